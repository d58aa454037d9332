//! Foxgate's stylesheet: scans the console's sources for Tailwind utility classes and
//! compiles exactly those into CSS with encre-css (Tailwind v4 palette, `dark:` follows the system).

use encre_css::Config;

/// Rules that utilities cannot express: the color scheme hint for form controls and
/// scrollbars; and, below the `md` width (phones, or a desktop at 200 % zoom), every table
/// of the console stacked — each row a block, each cell a line, the header row kept for
/// screen readers only — and long words (ids, slugs) broken rather than scrolled; and an
/// input a failed form names (`aria-invalid`) outlined in the error red.
const BASE: &str = ":root { color-scheme: light dark; }
[aria-invalid=\"true\"] { border-color: #b91c1c; outline: 2px solid #b91c1c; outline-offset: 1px; }
main { overflow-wrap: anywhere; }
@media (width < 48rem) {
  main table, main tbody, main tr, main th, main td { display: block; }
  main thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  main tr { padding: 0.5rem 0; }
  main td { padding: 0.125rem 0; }
  main td input, main td select { max-width: 100%; }
}
";

/// The full stylesheet for the given source texts (Rust files of the console).
pub fn compile<'a>(sources: impl IntoIterator<Item = &'a str>) -> String {
    let config = Config::default();
    let mut css = encre_css::generate(sources, &config);
    css.push_str(BASE);
    css
}

#[cfg(test)]
mod tests {
    use super::compile;

    #[test]
    fn compiles_variants_the_console_uses() {
        let css = compile([
            r#"<div class="flex md:grid-cols-3 hover:bg-slate-700 dark:bg-slate-900 focus-visible:ring-2">"#,
        ]);
        assert!(css.contains(".flex"), "{css}");
        assert!(
            css.contains("prefers-color-scheme: dark"),
            "dark mode follows the system"
        );
        assert!(css.contains(r".hover\:bg-slate-700:hover"));
        assert!(
            css.contains("@media (width >= 48rem)") || css.contains("min-width"),
            "md breakpoint present"
        );
        assert!(css.contains("color-scheme: light dark"));
        assert!(
            css.contains("@media (width < 48rem)"),
            "tables stack on phones"
        );
    }

    #[test]
    fn unknown_words_produce_no_rules() {
        let css = compile(["nothing-here-is-a-utility"]);
        assert!(!css.contains("nothing-here"));
    }
}
