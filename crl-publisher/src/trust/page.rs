//! The page `/ca/`: the hierarchy as a tree, in Vietnamese, for a person
//! who verifies a signature — what to compare (SHA-256 fingerprints), how
//! long each CA is valid, and where its certificate, CRL and OCSP are. Plain
//! HTML: no script, no external resource; every value from the store is
//! escaped.

use std::fmt::{self, Write as _};

use chrono::{DateTime, SecondsFormat, Utc};

use super::hierarchy::{Hierarchy, Issuer};

/// Deeper than any real hierarchy: a guard against a loop in parent links.
const MAX_DEPTH: usize = 16;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:62rem;\
padding:1rem;line-height:1.5;color:#1a1a1a}h1{font-size:1.6rem}\
ul.tree{list-style:none;padding-left:0}ul.tree ul{list-style:none;padding-left:1.5rem;\
border-left:2px solid #b8c4d6;margin-left:.5rem}\
article{border:1px solid #c9d3e0;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}\
dl{display:grid;grid-template-columns:minmax(12rem,auto) 1fr;gap:.25rem 1rem}\
dt{font-weight:600}dd{margin:0}code{word-break:break-all;font-size:.95em}\
.status-active{color:#176b2c}.status-other{color:#9a3412}footer{color:#555;font-size:.9rem}";

/// The page for `hierarchy` at `now`.
pub(crate) fn render(hierarchy: &Hierarchy, now: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(8 * 1024);
    // Writing into a String cannot fail.
    let _ = Page { h: hierarchy, now }.write(&mut out);
    out
}

struct Page<'a> {
    h: &'a Hierarchy,
    now: DateTime<Utc>,
}

impl Page<'_> {
    fn write(&self, out: &mut String) -> fmt::Result {
        out.push_str(
            "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Chuỗi chứng thư số tin cậy</title>\n",
        );
        writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>")?;
        out.push_str(
            "<h1>Chuỗi chứng thư số tin cậy</h1>\n\
             <p>Trang này công bố chứng thư số của các tổ chức cung cấp dịch vụ chứng thực \
             chữ ký số (CA) trong hệ thống: CA gốc và các CA cấp dưới. Trước khi tin cậy \
             CA gốc, hãy so sánh <strong>dấu vân tay SHA-256</strong> của tệp tải về với giá \
             trị được công bố qua một kênh chính thức khác.</p>\n\
             <h2>Cách kiểm tra</h2>\n<ol>\n\
             <li>Tải chứng thư số CA gốc (tệp <code>.crt</code>) và tính dấu vân tay: \
             <code>openssl x509 -inform DER -in root.crt -noout -fingerprint -sha256</code>.</li>\n\
             <li>Cài đặt CA gốc vào kho chứng thư số tin cậy; chứng thư số CA cấp dưới có trong \
             tệp chuỗi (<code>-chain.pem</code>, <code>.p7c</code>) hoặc được tải tự động qua \
             địa chỉ AIA ghi trong chứng thư số.</li>\n\
             <li>Kiểm tra tình trạng thu hồi qua danh sách chứng thư số bị thu hồi (CRL) \
             hoặc dịch vụ OCSP của CA đã cấp.</li>\n</ol>\n\
             <p>Dữ liệu cho máy đọc: <a href=\"/ca/trust.json\">trust.json</a>.</p>\n\
             <h2>Cây phân cấp CA</h2>\n",
        );
        let top = self.h.children(None);
        if top.is_empty() {
            out.push_str("<p>Hệ thống chưa có CA nào.</p>\n");
        } else {
            self.tree(out, &top, 0)?;
        }
        // No time of day here: the page's ETag changes only with its content.
        out.push_str(
            "</main>\n<footer><p>Thời gian ghi theo giờ UTC. Chứng thư số CA gốc chỉ nên \
             được tin cậy sau khi đã đối chiếu dấu vân tay SHA-256.</p></footer>\n\
             </body>\n</html>\n",
        );
        Ok(())
    }

    fn tree(&self, out: &mut String, issuers: &[&Issuer], depth: usize) -> fmt::Result {
        out.push_str("<ul class=\"tree\">\n");
        for issuer in issuers {
            out.push_str("<li>\n");
            self.article(out, issuer)?;
            let children = self.h.children(Some(&issuer.id));
            if !children.is_empty() && depth < MAX_DEPTH {
                self.tree(out, &children, depth + 1)?;
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
        Ok(())
    }

    fn article(&self, out: &mut String, issuer: &Issuer) -> fmt::Result {
        let id = Esc(&issuer.id);
        writeln!(
            out,
            "<article id=\"ca-{id}\">\n<h3>{}</h3>\n<dl>",
            Esc(issuer.display_name())
        )?;
        row(out, "Mã CA", &format!("<code>{id}</code>"))?;
        row(
            out,
            "Tên định danh (Subject)",
            &Esc(&issuer.subject).to_string(),
        )?;
        let status = issuer.status_at(self.now);
        let class = if status == "active" {
            "status-active"
        } else {
            "status-other"
        };
        row(
            out,
            "Trạng thái",
            &format!("<span class=\"{class}\">{}</span>", status_label(status)),
        )?;
        row(out, "Loại khóa", &Esc(&key_label(&issuer.key)).to_string())?;
        let Some(cert) = &issuer.cert else {
            out.push_str("</dl>\n<p>CA này chưa có chứng thư số được công bố.</p>\n</article>\n");
            return Ok(());
        };
        let issued_by = if cert.self_issued() {
            "Tự ký (CA gốc)".to_owned()
        } else {
            match issuer.parent.as_deref().and_then(|p| self.h.find(p)) {
                Some(parent) => format!(
                    "<a href=\"#ca-{}\">{}</a>",
                    Esc(&parent.id),
                    Esc(parent.display_name())
                ),
                None => format!("{} (CA gốc bên ngoài)", Esc(&cert.issuer_dn())),
            }
        };
        row(out, "Được cấp bởi", &issued_by)?;
        row(
            out,
            "Thời hạn",
            &format!(
                "Hiệu lực từ {} đến {}",
                When(cert.not_before),
                When(cert.not_after)
            ),
        )?;
        row(
            out,
            "Số hiệu (serial)",
            &format!("<code>{}</code>", cert.serial_hex()),
        )?;
        row(
            out,
            "Dấu vân tay SHA-256",
            &format!("<code>{}</code>", Esc(&cert.fingerprint)),
        )?;
        row(
            out,
            "Tải chứng thư số",
            &format!(
                "<a href=\"/ca/{id}.crt\">{id}.crt</a> (DER) · \
                 <a href=\"/ca/{id}.pem\">{id}.pem</a> (PEM) · \
                 <a href=\"/ca/{id}-chain.pem\">{id}-chain.pem</a> (chuỗi đến CA gốc, PEM) · \
                 <a href=\"/ca/{id}.p7c\">{id}.p7c</a> (chuỗi, PKCS#7)"
            ),
        )?;
        if let Some(urls) = self.h.urls(issuer) {
            row(
                out,
                "Danh sách chứng thư số bị thu hồi (CRL)",
                &crl_links(&urls.crls),
            )?;
            row(
                out,
                "Dịch vụ kiểm tra trạng thái trực tuyến (OCSP)",
                &format!("<code>{}</code>", Esc(&urls.ocsp)),
            )?;
        }
        out.push_str("</dl>\n</article>\n");
        Ok(())
    }
}

/// A link to the CRL, or for a sharded issuer the first shards' links and
/// a note that each certificate names its own shard.
fn crl_links(crls: &[String]) -> String {
    /// Shards linked on the page; trust.json lists them all.
    const SHOWN: usize = 4;
    let links: Vec<String> = crls
        .iter()
        .take(SHOWN)
        .map(|url| format!("<a href=\"{0}\">{0}</a>", Esc(url)))
        .collect();
    match crls.len() {
        0 | 1 => links.concat(),
        n => format!(
            "Chia thành {n} phân đoạn; mỗi chứng thư số ghi địa chỉ phân đoạn của nó \
             (điểm phân phối CRL): {}{}",
            links.join(", "),
            if n > SHOWN { ", …" } else { "" }
        ),
    }
}

/// One `<dt>`/`<dd>` pair; `html` is already escaped.
fn row(out: &mut String, label: &str, html: &str) -> fmt::Result {
    writeln!(out, "<dt>{label}</dt><dd>{html}</dd>")
}

fn status_label(status: &str) -> String {
    match status {
        "active" => "Đang hoạt động".to_owned(),
        "expired" => "Đã hết hạn".to_owned(),
        "not-yet-valid" => "Chưa đến thời gian có hiệu lực".to_owned(),
        "awaiting-certificate" => "Đang chờ chứng thư số từ CA cấp trên".to_owned(),
        "pending" => "Đang khởi tạo".to_owned(),
        "aborted" => "Đã hủy khởi tạo".to_owned(),
        other => Esc(other).to_string(),
    }
}

fn key_label(key: &str) -> String {
    match key {
        "rsa2048" => "RSA 2048 bit".to_owned(),
        "rsa3072" => "RSA 3072 bit".to_owned(),
        "rsa4096" => "RSA 4096 bit".to_owned(),
        "p256" => "ECDSA P-256".to_owned(),
        "p384" => "ECDSA P-384".to_owned(),
        other => other.to_owned(),
    }
}

/// Text escaped for HTML content and double-quoted attribute values.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// A time as `<time>`: `dd/mm/yyyy HH:MM:SS UTC`, the machine form in
/// `datetime`.
struct When(DateTime<Utc>);

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<time datetime=\"{}\">{} UTC</time>",
            self.0.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.0.format("%d/%m/%Y %H:%M:%S")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            Esc("<a href='x'>\"Tổng cục\" & Co</a>").to_string(),
            "&lt;a href=&#39;x&#39;&gt;&quot;Tổng cục&quot; &amp; Co&lt;/a&gt;"
        );
    }

    #[test]
    fn an_empty_hierarchy_still_renders() {
        let h = Hierarchy {
            issuers: Vec::new(),
            public_url: None,
        };
        let html = render(&h, Utc::now());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(html.contains("Hệ thống chưa có CA nào."));
        assert!(html.trim_end().ends_with("</html>"));
    }
}
