//! Bar charts drawn on the server as SVG text: no script, no external
//! file. Each chart is an image with a title for screen readers
//! (`role="img"`, `<title>`); the pages show the same figures in a table
//! next to it.

use super::html::esc;

/// One bar: its label, its value and, for a part of a whole ("14/34"),
/// the whole, drawn as a lighter bar behind it.
#[derive(Debug, Clone)]
pub(super) struct Bar {
    pub(super) label: String,
    pub(super) value: i64,
    pub(super) of: Option<i64>,
}

impl Bar {
    /// A plain bar.
    pub(super) fn new(label: impl Into<String>, value: i64) -> Self {
        Self {
            label: label.into(),
            value,
            of: None,
        }
    }

    /// A bar that is a part of `of`.
    pub(super) fn part(label: impl Into<String>, value: i64, of: i64) -> Self {
        Self {
            label: label.into(),
            value,
            of: Some(of),
        }
    }
}

const LABEL_WIDTH: i64 = 230;
const BAR_WIDTH: i64 = 380;
const ROW: i64 = 26;
const TOP: i64 = 8;

/// A horizontal bar chart titled `title` (`id` names its title element).
pub(super) fn bar_chart(id: &str, title: &str, bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .map(|b| b.of.unwrap_or(b.value).max(b.value))
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |v: i64| v.max(0) * BAR_WIDTH / max;
    let height = TOP * 2 + ROW * i64::try_from(bars.len()).unwrap_or(0).max(1);
    let width = LABEL_WIDTH + BAR_WIDTH + 90;
    let mut rows = String::new();
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i64::try_from(i).unwrap_or(0);
        let text_y = y + ROW / 2 + 5;
        let label: String = if b.label.chars().count() > 34 {
            let cut: String = b.label.chars().take(33).collect();
            format!("{cut}…")
        } else {
            b.label.clone()
        };
        rows.push_str(&format!(
            r#"<text x="{lx}" y="{text_y}" text-anchor="end" font-size="13">{label}</text>"#,
            lx = LABEL_WIDTH - 8,
            label = esc(&label),
        ));
        if let Some(of) = b.of {
            rows.push_str(&format!(
                r##"<rect x="{LABEL_WIDTH}" y="{ry}" width="{w}" height="{h}" fill="#d5e1ef"/>"##,
                ry = y + 4,
                w = scale(of),
                h = ROW - 8,
            ));
        }
        rows.push_str(&format!(
            r##"<rect x="{LABEL_WIDTH}" y="{ry}" width="{w}" height="{h}" fill="#1f5fa8"/>"##,
            ry = y + 4,
            w = scale(b.value),
            h = ROW - 8,
        ));
        let figure = match b.of {
            Some(of) => format!("{}/{of}", b.value),
            None => b.value.to_string(),
        };
        rows.push_str(&format!(
            r#"<text x="{vx}" y="{text_y}" font-size="13">{figure}</text>"#,
            vx = LABEL_WIDTH + scale(b.of.unwrap_or(b.value).max(b.value)) + 6,
        ));
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{id}" width="{width}" height="{height}" viewBox="0 0 {width} {height}"><title id="{id}">{title}</title>{rows}</svg>
"#,
        id = esc(id),
        title = esc(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_the_chart_is_accessible() {
        let svg = bar_chart(
            "c1",
            "Chứng thư số theo trạng thái",
            &[
                Bar::new("Sở <Tư pháp> & \"Nội vụ\"", 3),
                Bar::part("Cần Thơ", 1, 4),
            ],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"<title id="c1">Chứng thư số theo trạng thái</title>"#));
        assert!(svg.contains("Sở &lt;Tư pháp&gt; &amp; &quot;Nội vụ&quot;"));
        assert!(svg.contains(">1/4<"));
        assert!(!svg.contains("<Tư pháp>"));
    }

    #[test]
    fn an_empty_chart_is_still_valid() {
        let svg = bar_chart("c", "Trống", &[]);
        assert!(svg.contains("<title id=\"c\">Trống</title>") && svg.ends_with("</svg>\n"));
    }
}
