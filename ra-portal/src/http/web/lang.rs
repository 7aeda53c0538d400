//! The language of the pages: Vietnamese by default, English on request.
//! The choice lives in a plain cookie set by `GET /lang/{vi|en}` (a link in
//! every page's header, no JavaScript). Page text is written in Vietnamese
//! in the handlers and passed through [`Lang::t`]; the English wording is
//! the table in [`super::en`]. Refusals in English are the API's own
//! (English) messages.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::Redirect;

use super::en;

/// The cookie holding the chosen language (`vi` or `en`).
pub(crate) const LANG_COOKIE: &str = "govpki_lang";

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The language a request asked for through its cookie.
    pub(crate) fn of(cookies: &CookieJar<'_>) -> Self {
        match cookies.get(LANG_COOKIE).map(Cookie::value) {
            Some("en") => Self::En,
            _ => Self::Vi,
        }
    }

    /// The `lang` attribute of the page.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    /// `vi` in this language: itself in Vietnamese, its English wording
    /// otherwise (the Vietnamese text when the table has none, which the
    /// table's test forbids for the texts the pages use).
    pub(crate) fn t(self, vi: &'static str) -> &'static str {
        match self {
            Self::Vi => vi,
            Self::En => en::english(vi).unwrap_or(vi),
        }
    }

    /// `vi` in this language with each `{}` replaced, in order, by the
    /// next of `args` (already escaped where it goes into HTML).
    pub(crate) fn tf(self, vi: &'static str, args: &[&dyn std::fmt::Display]) -> String {
        let template = self.t(vi);
        let mut out = String::with_capacity(template.len() + 16 * args.len());
        let mut args = args.iter();
        let mut parts = template.split("{}");
        if let Some(first) = parts.next() {
            out.push_str(first);
        }
        for part in parts {
            if let Some(a) = args.next() {
                out.push_str(&a.to_string());
            }
            out.push_str(part);
        }
        out
    }

    /// The switch to the other language, for the page header.
    pub(crate) fn switch_link(self) -> &'static str {
        match self {
            Self::Vi => r#"<a href="/lang/en" hreflang="en" lang="en">English</a>"#,
            Self::En => r#"<a href="/lang/vi" hreflang="vi" lang="vi">Tiếng Việt</a>"#,
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Lang {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Self::of(req.cookies()))
    }
}

/// Where the switch came from, when it is a page of this site.
pub(crate) struct Back(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Back {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let host = req.headers().get_one("Host");
        let back = req
            .headers()
            .get_one("Referer")
            .and_then(|r| same_site_path(r, host));
        Outcome::Success(Self(back))
    }
}

/// The path (and query) of `referer` when it names this host; never an
/// address elsewhere (no open redirect).
fn same_site_path(referer: &str, host: Option<&str>) -> Option<String> {
    let host = host?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let (authority, path) = rest.split_at(rest.find('/')?);
    (authority.eq_ignore_ascii_case(host)
        && path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/lang/")
        && !path.contains(['\\', '\r', '\n']))
    .then(|| path.to_owned())
}

/// `GET /lang/{vi|en}`: remembers the language for a year and goes back to
/// the page the link was on (or the sign-in page).
#[rocket::get("/lang/<code>")]
pub(super) fn switch(
    state: &rocket::State<std::sync::Arc<crate::PortalState>>,
    code: &str,
    cookies: &CookieJar<'_>,
    back: Back,
) -> Redirect {
    let value = if code == "en" { "en" } else { "vi" };
    let year = rocket::time::Duration::days(365);
    cookies.add(super::pages::secure(
        state,
        Cookie::build((LANG_COOKIE, value))
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(year)
            .expires(rocket::time::OffsetDateTime::now_utc() + year),
    ));
    Redirect::to(back.0.unwrap_or_else(|| "/".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_host_are_followed_back() {
        let host = Some("127.0.0.1:8080");
        assert_eq!(
            same_site_path("http://127.0.0.1:8080/units?x=1", host).as_deref(),
            Some("/units?x=1")
        );
        assert_eq!(same_site_path("https://evil.example/units", host), None);
        assert_eq!(
            same_site_path("http://127.0.0.1:8080//evil.example", host),
            None
        );
        assert_eq!(same_site_path("http://127.0.0.1:8080/lang/en", host), None);
        assert_eq!(same_site_path("javascript:alert(1)", host), None);
        assert_eq!(same_site_path("http://127.0.0.1:8080/units", None), None);
    }

    #[test]
    fn templates_take_their_arguments_in_order() {
        // Called by path so the table's scanner does not take these
        // templates for page texts.
        assert_eq!(Lang::tf(Lang::Vi, "{} / {}", &[&1, &"x"]), "1 / x");
        assert_eq!(Lang::tf(Lang::Vi, "không có", &[&1]), "không có");
    }

    #[test]
    fn vietnamese_is_the_default_and_english_is_looked_up() {
        assert_eq!(Lang::default().t("Đăng nhập"), "Đăng nhập");
        assert_eq!(Lang::En.t("Đăng nhập"), "Sign in");
    }
}
