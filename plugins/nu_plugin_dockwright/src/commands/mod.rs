//! One file per command. Each is its signature, description and examples, then argument
//! handling and one call into the `dockwright` core; results are records and tables.

mod build;
mod check;
mod dockwright;
mod doctor;
mod env;
mod gc;
mod hooks;
mod images;
mod init;
mod inputs;
mod status;
mod test;
mod watch;

pub use build::Build;
pub use check::Check;
pub use dockwright::Dockwright;
pub use doctor::Doctor;
pub use env::Env;
pub use gc::Gc;
pub use hooks::{Hooks, HooksInstall, HooksUninstall};
pub use images::Images;
pub use init::Init;
pub use inputs::Inputs;
pub use status::Status;
pub use test::Test;
pub use watch::Watch;

use ::dockwright::usecase::Selection;
use nu_plugin::{EvaluatedCall, PluginCommand};
use nu_protocol::{Category, LabeledError, Signature, Spanned, Type, Value};

use crate::DockwrightPlugin;

/// The signature a command starts from: its name, nothing in, `output` out, in the `dockwright`
/// category.
fn signature(name: &str, output: Type) -> Signature {
    Signature::build(name)
        .input_output_type(Type::Nothing, output)
        .category(Category::Custom("dockwright".into()))
}

/// Every command of the plugin, `dockwright` first.
pub fn all() -> Vec<Box<dyn PluginCommand<Plugin = DockwrightPlugin>>> {
    vec![
        Box::new(Dockwright),
        Box::new(Status),
        Box::new(Inputs),
        Box::new(Images),
        Box::new(Build),
        Box::new(Test),
        Box::new(Gc),
        Box::new(Hooks),
        Box::new(HooksInstall),
        Box::new(HooksUninstall),
        Box::new(Init),
        Box::new(Check),
        Box::new(Env),
        Box::new(Doctor),
        Box::new(Watch),
    ]
}

/// The rest arguments from `pos` on, each with its span (to label the one at fault).
fn names(call: &EvaluatedCall, pos: usize) -> Result<Vec<Spanned<String>>, LabeledError> {
    Ok(call.rest::<Spanned<String>>(pos)?)
}

/// A string flag with its span.
fn flag(call: &EvaluatedCall, name: &str) -> Result<Option<Spanned<String>>, LabeledError> {
    Ok(call.get_flag::<Spanned<String>>(name)?)
}

/// A flag that takes one name or a list of names (`--service app` or `--service [app web]`).
fn one_or_many(call: &EvaluatedCall, name: &str) -> Result<Vec<Spanned<String>>, LabeledError> {
    let Some(value) = call.get_flag_value(name) else {
        return Ok(Vec::new());
    };
    let one = |value: &Value| -> Result<Spanned<String>, LabeledError> {
        let span = value.span();
        Ok(Spanned {
            item: value.coerce_str()?.into_owned(),
            span,
        })
    };
    match &value {
        Value::List { vals, .. } => vals.iter().map(one).collect(),
        value => Ok(vec![one(value)?]),
    }
}

/// The selection that service names and a revision make.
fn selection(names: &[Spanned<String>], rev: Option<&Spanned<String>>) -> Selection {
    Selection {
        services: names.iter().map(|n| n.item.clone()).collect(),
        rev: rev.map(|r| r.item.clone()),
    }
}

/// The arguments an error may be about, for [`crate::context::Context::fail`].
fn args<'a>(
    names: &'a [Spanned<String>],
    rev: &'a Option<Spanned<String>>,
) -> Vec<&'a Spanned<String>> {
    rev.iter().chain(names).collect()
}
