//! Did-you-mean: the one way dockwright finds, among the names it knows, the one a mistyped
//! name was meant to be (services, stacks, template variables, hooks, subcommands).

/// How alike two names must be (Jaro-Winkler, 0 to 1) for one to be offered for the other:
/// high enough that `stauts` finds `status`, low enough that `cobol` finds nothing.
const THRESHOLD: f64 = 0.7;

/// The candidate closest to `name`, if any is close enough to suggest.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A `help:` line for an unknown `name`: the closest of `known`, when one is close, then
/// `listing` (such as "the services are") followed by every known name.
pub fn help(name: &str, known: &[&str], listing: &str) -> String {
    let all = known.join(", ");
    match closest(name, known.iter().copied()) {
        Some(close) => {
            let mut listing = listing.chars();
            let first = listing.next().map(|c| c.to_ascii_uppercase());
            format!(
                "did you mean `{close}`? {}{}: {all}",
                first.map(String::from).unwrap_or_default(),
                listing.as_str()
            )
        }
        None => format!("{listing}: {all}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_offered_and_far_ones_are_not() {
        let known = ["build", "status", "inputs"];
        assert_eq!(closest("stauts", known), Some("status"));
        assert_eq!(closest("zzz", known), None);
        assert_eq!(
            help("bakend", &["backend", "frontend"], "the services are"),
            "did you mean `backend`? The services are: backend, frontend"
        );
        assert_eq!(
            help("cobol", &["go", "node"], "the stacks are"),
            "the stacks are: go, node"
        );
    }
}
