//! `dockwright images [--format table|json]`.

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::status::{age, size};

use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let engine = super::engine(Pace::Command)?;
    let images = dockwright::usecase::images::images(&project, &engine)?;
    match args.format {
        Format::Json => Format::print_json(&images)?,
        Format::Table => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            println!("{:12}  {:50}  {:14}  SIZE", "SERVICE", "IMAGE", "BUILT");
            for image in &images {
                let name = image
                    .tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| image.id.clone());
                println!(
                    "{:12}  {:50}  {:14}  {}",
                    image.service,
                    name,
                    age(image.created, now),
                    size(image.size)
                );
            }
        }
    }
    Ok(Exit::Success)
}
