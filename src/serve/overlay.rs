//! What the preview server adds to every HTML page it serves: the
//! live-reload script and, while the latest build has failed, an overlay
//! listing the errors (file, line, column, message), HTML-escaped.
//!
//! The script knows the build generation the page was served from. On
//! connecting to the events endpoint it is told the current generation and
//! reloads if they differ, so a rebuild that happens between the page load
//! and the connection is not missed; after that it reloads on every
//! `reload` event.

use super::{BuildFailure, OverlayError};

/// The Server-Sent Events endpoint; a path no site page can have.
pub(crate) const EVENTS_PATH: &str = "/__orr/events";

/// What the served page is, for the overlay's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Served {
    /// A page of the last good build.
    LastGoodBuild,
    /// No build has succeeded yet: a placeholder page.
    NothingBuiltYet,
    /// The build succeeded but this page failed to render: a placeholder.
    PageFailed,
}

/// Returns `page` with the overlay (if `failure` is set) and the live-reload
/// script inserted before the last `</body>`, or appended if there is none.
pub(crate) fn inject(
    page: &[u8],
    failure: Option<&BuildFailure>,
    served: Served,
    generation: &str,
) -> Vec<u8> {
    let mut addition = String::new();
    if let Some(failure) = failure {
        addition.push_str(&overlay_html(failure, served));
    }
    addition.push_str(&live_reload_script(generation));

    let insert_at = find_last_closing_body(page).unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + addition.len());
    out.extend_from_slice(&page[..insert_at]);
    out.extend_from_slice(addition.as_bytes());
    out.extend_from_slice(&page[insert_at..]);
    out
}

/// The plain page served when a page of the site fails to render.
pub(crate) fn fallback_render_failure_page() -> &'static str {
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page failed</title></head>\n\
     <body><h1>This page could not be rendered</h1></body></html>\n"
}

/// The plain page served when the site has no `404.html` (or no site was
/// built yet because the first build failed).
pub(crate) fn fallback_not_found_page() -> &'static str {
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>\n\
     <body><h1>404 Not Found</h1><p>This page is not part of the site.</p></body></html>\n"
}

fn find_last_closing_body(page: &[u8]) -> Option<usize> {
    const CLOSING: &[u8] = b"</body";
    if page.len() < CLOSING.len() {
        return None;
    }
    (0..=page.len() - CLOSING.len())
        .rev()
        .find(|&start| page[start..start + CLOSING.len()].eq_ignore_ascii_case(CLOSING))
}

/// The script is small on purpose: it only needs `EventSource`, which every
/// browser that can show the site has. On an error (server restarting, or
/// answering 503 because too many tabs are open) it reconnects with a
/// growing delay instead of hammering the server.
fn live_reload_script(generation: &str) -> String {
    format!(
        r#"<script data-orr-live-reload>
(function () {{
  if (!window.EventSource) return;
  var served = "{generation}";
  var delay = 1000;
  function reloadIfStale(event) {{
    if (event.data !== served) {{ location.reload(); }}
  }}
  function connect() {{
    var source = new EventSource("{EVENTS_PATH}");
    source.addEventListener("hello", reloadIfStale);
    source.addEventListener("reload", reloadIfStale);
    source.onopen = function () {{ delay = 1000; }};
    source.onerror = function () {{
      source.close();
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    }};
  }}
  connect();
}})();
</script>
"#,
        generation = escape_js_string(generation),
    )
}

fn overlay_html(failure: &BuildFailure, served: Served) -> String {
    let explanation = match served {
        Served::LastGoodBuild => "This page shows the last good build.",
        Served::NothingBuiltYet => "Nothing could be built yet.",
        Served::PageFailed => "The rest of the site is served as built.",
    };
    let count = failure.errors.len();
    let what = match served {
        Served::PageFailed => "This page failed to render",
        _ => "The build failed",
    };
    let title = match count {
        0 => what.to_string(),
        1 => format!("{what}: 1 error"),
        _ => format!("{what}: {count} errors"),
    };
    let mut items = String::new();
    for error in &failure.errors {
        items.push_str(&overlay_item(error));
    }
    if failure.errors.is_empty() {
        items.push_str(&format!(
            "<li><pre style=\"margin:0;white-space:pre-wrap\">{}</pre></li>",
            escape_html(&failure.report)
        ));
    }
    format!(
        "<div id=\"orr-error-overlay\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;\
         z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;\
         background:#2b0b0e;color:#ffe3e3;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;\
         border-bottom:4px solid #e5484d;box-shadow:0 4px 24px rgba(0,0,0,.5)\">\
         <button type=\"button\" onclick=\"this.parentNode.remove()\" aria-label=\"Hide\" \
         style=\"float:right;background:none;border:0;color:inherit;font-size:20px;cursor:pointer\">&times;</button>\
         <strong style=\"font-size:16px\">{title}</strong>\
         <p style=\"margin:.25rem 0 .75rem;opacity:.8\">{explanation} \
         Fix the file and save: this message goes away by itself.</p>\
         <ul style=\"margin:0;padding-left:1.25rem\">{items}</ul></div>\n",
        title = escape_html(&title),
        explanation = explanation,
    )
}

fn overlay_item(error: &OverlayError) -> String {
    let location = if error.file.is_empty() {
        String::new()
    } else if error.line == 0 {
        error.file.clone()
    } else {
        format!("{}:{}:{}", error.file, error.line, error.column)
    };
    format!(
        "<li style=\"margin:.25rem 0\"><span style=\"color:#ff9592\" class=\"orr-error-location\">{}</span> \
         <span class=\"orr-error-message\" style=\"white-space:pre-wrap\">{}</span></li>",
        escape_html(&location),
        escape_html(&error.message),
    )
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Keeps a value inside a double-quoted JavaScript string in a `<script>`
/// element: quotes, backslashes and anything that could close the element.
fn escape_js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '"' | '\\' | '<' | '>' | '&' | '\'' => {
                out.push_str(&format!("\\u{:04x}", character as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(message: &str) -> BuildFailure {
        BuildFailure {
            report: "error: it broke".to_string(),
            errors: vec![OverlayError {
                file: "content/services/<x>.yaml".to_string(),
                line: 3,
                column: 7,
                message: message.to_string(),
            }],
        }
    }

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let page = b"<html><body><p>hi</p></BODY></html>";
        let out =
            String::from_utf8(inject(page, None, Served::LastGoodBuild, "g-1")).unwrap_or_default();
        let script = out
            .find("<script data-orr-live-reload>")
            .unwrap_or(usize::MAX);
        let body_end = out.find("</BODY>").unwrap_or(0);
        assert!(script < body_end, "{out}");
        assert!(out.contains(EVENTS_PATH));
        assert!(out.contains("\"g-1\""));
        assert!(!out.contains("orr-error-overlay"));
    }

    #[test]
    fn a_page_without_body_gets_the_script_appended() {
        let out = String::from_utf8(inject(b"plain", None, Served::LastGoodBuild, "g"))
            .unwrap_or_default();
        assert!(out.starts_with("plain<script"));
    }

    #[test]
    fn the_overlay_names_file_line_column_and_escapes_everything() {
        let out = inject(
            b"<body></body>",
            Some(&failure("unknown key `<script>alert(1)</script>` & more")),
            Served::LastGoodBuild,
            "g",
        );
        let out = String::from_utf8(out).unwrap_or_default();
        assert!(out.contains("orr-error-overlay"));
        assert!(out.contains("content/services/&lt;x&gt;.yaml:3:7"));
        assert!(out.contains("`&lt;script&gt;alert(1)&lt;/script&gt;` &amp; more"));
        assert!(!out.contains("<script>alert(1)"));
    }

    #[test]
    fn a_failure_without_items_shows_its_report() {
        let failure = BuildFailure {
            report: "error: <bad>".to_string(),
            errors: Vec::new(),
        };
        let out = String::from_utf8(inject(b"", Some(&failure), Served::NothingBuiltYet, "g"))
            .unwrap_or_default();
        assert!(out.contains("error: &lt;bad&gt;"));
        assert!(out.contains("Nothing could be built yet."));
    }

    #[test]
    fn a_generation_cannot_break_out_of_the_script() {
        let out = String::from_utf8(inject(b"", None, Served::LastGoodBuild, "\"</script><b>"))
            .unwrap_or_default();
        assert!(!out.contains("</script><b>"));
        assert_eq!(out.matches("</script>").count(), 1);
    }
}
