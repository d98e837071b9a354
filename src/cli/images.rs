//! `dockwright images [--format table|json]`.

use super::{Context, Format};
use crate::error::Result;
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let engine = super::engine()?;
    let images = super::runtime()?.block_on(crate::images::list(&project, &engine))?;
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&images).unwrap_or_default()
        ),
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
                    crate::status::age(image.created, now),
                    crate::status::size(image.size)
                );
            }
        }
    }
    Ok(Exit::Success)
}
