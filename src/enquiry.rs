//! Where a profile's enquiry action ("I'm interested") points.
//!
//! site.yaml's `contact_url` is a template, read in this order:
//!
//! 1. it holds `{ids}` or `{urls}`: each placeholder becomes the profile
//!    numbers (`t-2026-001`; several joined by `, `) or the profiles'
//!    absolute URLs (joined by a space), percent-encoded as a URL
//!    component, so a form's prefill parameter or a mail subject can carry
//!    them: `https://forms.example/new?entry.1={ids}`,
//!    `mailto:info@example.org?subject=Profile%20{ids}`;
//! 2. it is a `mailto:` address: a `subject` and a `body` naming the
//!    profile numbers and URLs are added (from the interface strings
//!    `enquiry_subject` and `enquiry_body` of the page's language), unless
//!    the address already sets them;
//! 3. anything else (an https URL): `talent=<id>` is added to its query,
//!    before any `#fragment`, as before.
//!
//! The result is a pure function of its inputs: builds stay byte-identical.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters is encoded: the value
/// is safe in a query, a `mailto:` header field and a path segment alike.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// A profile an enquiry is about.
#[derive(Debug, Clone, Copy)]
pub struct Profile<'a> {
    /// The profile number (`t-2026-001`).
    pub id: &'a str,
    /// The profile's absolute URL.
    pub permalink: &'a str,
}

/// The subject and body of an enquiry mail, with `{ids}` and `{urls}`
/// placeholders (interface strings of the page's language).
#[derive(Debug, Clone, Copy)]
pub struct MailText<'a> {
    pub subject: &'a str,
    pub body: &'a str,
}

/// The enquiry link for `profiles` from the `contact_url` template.
pub fn enquiry_url(template: &str, profiles: &[Profile<'_>], mail: MailText<'_>) -> String {
    let ids: Vec<&str> = profiles.iter().map(|p| p.id).collect();
    let urls: Vec<&str> = profiles.iter().map(|p| p.permalink).collect();
    if template.contains("{ids}") || template.contains("{urls}") {
        return template
            .replace("{ids}", &encode(&ids.join(", ")))
            .replace("{urls}", &encode(&urls.join(" ")));
    }
    let (address, fragment) = match template.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (template, None),
    };
    let is_mailto = address
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"));
    let mut params: Vec<String> = Vec::new();
    if is_mailto {
        let has = |key: &str| {
            address.split_once('?').is_some_and(|(_, q)| {
                q.split('&').any(|kv| {
                    kv.split('=')
                        .next()
                        .is_some_and(|k| k.eq_ignore_ascii_case(key))
                })
            })
        };
        let fill = |text: &str, url_sep: &str| {
            text.replace("{ids}", &ids.join(", "))
                .replace("{urls}", &urls.join(url_sep))
        };
        if !has("subject") {
            // a header field: one line
            let subject = fill(mail.subject, " ").replace(['\r', '\n'], " ");
            params.push(format!("subject={}", encode(&subject)));
        }
        if !has("body") {
            // RFC 6068: line breaks in a body are written CRLF
            let body = fill(mail.body, "\n")
                .replace("\r\n", "\n")
                .replace('\n', "\r\n");
            params.push(format!("body={}", encode(&body)));
        }
    } else {
        let ids: Vec<String> = ids.iter().map(|id| encode(id)).collect();
        params.push(format!("talent={}", ids.join(",")));
    }
    let mut out = address.to_string();
    for p in params {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(&p);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The contact address of a `contact_url` template as text for people
/// (the print footer): a `mailto:` address without `mailto:` and its query,
/// a URL without its query and fragment; nothing from a `{ids}` or `{urls}`
/// placeholder on.
pub fn contact_text(template: &str) -> String {
    let base = template
        .split(['?', '#', '{'])
        .next()
        .unwrap_or_default()
        .trim();
    match base.get(..7) {
        Some(s) if s.eq_ignore_ascii_case("mailto:") => base[7..].to_string(),
        _ => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_text_drops_the_scheme_of_mail_and_every_query() {
        assert_eq!(
            contact_text("mailto:info@x.example?subject={ids}"),
            "info@x.example"
        );
        assert_eq!(
            contact_text("https://x.example/c/?talent={ids}#f"),
            "https://x.example/c/"
        );
        assert_eq!(contact_text("MAILTO:a@b.example"), "a@b.example");
    }

    const ONE: &[Profile<'static>] = &[Profile {
        id: "t-2026-001",
        permalink: "https://tsunagi.example/talents/t-2026-001/",
    }];
    const MAIL: MailText<'static> = MailText {
        subject: "プロフィール {ids} について",
        body: "プロフィール番号: {ids}\n{urls}\n",
    };

    #[test]
    fn a_plain_url_gets_the_talent_query() {
        assert_eq!(
            enquiry_url("https://tsunagi.example/contact/", ONE, MAIL),
            "https://tsunagi.example/contact/?talent=t-2026-001"
        );
        assert_eq!(
            enquiry_url("https://x.example/c?lang=en", ONE, MAIL),
            "https://x.example/c?lang=en&talent=t-2026-001"
        );
        // the query goes before the fragment, not into it
        assert_eq!(
            enquiry_url("https://x.example/c/#form", ONE, MAIL),
            "https://x.example/c/?talent=t-2026-001#form"
        );
        let two = [
            ONE[0],
            Profile {
                id: "t-2026-007",
                permalink: "https://tsunagi.example/talents/t-2026-007/",
            },
        ];
        assert_eq!(
            enquiry_url("https://x.example/c/", &two, MAIL),
            "https://x.example/c/?talent=t-2026-001,t-2026-007"
        );
    }

    #[test]
    fn a_mailto_address_gets_a_subject_and_body_naming_the_profile() {
        let url = enquiry_url("mailto:info@tsunagi.example", ONE, MAIL);
        assert_eq!(
            url,
            "mailto:info@tsunagi.example\
             ?subject=%E3%83%97%E3%83%AD%E3%83%95%E3%82%A3%E3%83%BC%E3%83%AB%20t-2026-001%20%E3%81%AB%E3%81%A4%E3%81%84%E3%81%A6\
             &body=%E3%83%97%E3%83%AD%E3%83%95%E3%82%A3%E3%83%BC%E3%83%AB%E7%95%AA%E5%8F%B7%3A%20t-2026-001%0D%0A\
             https%3A%2F%2Ftsunagi.example%2Ftalents%2Ft-2026-001%2F%0D%0A"
        );
        // decodes back to the text, with CRLF line breaks (RFC 6068)
        let body = url.split("&body=").nth(1).expect("a body");
        let decoded = percent_encoding::percent_decode_str(body)
            .decode_utf8()
            .expect("UTF-8");
        assert_eq!(
            decoded,
            "プロフィール番号: t-2026-001\r\nhttps://tsunagi.example/talents/t-2026-001/\r\n"
        );
        // characters that would end a field or the address are encoded
        let hostile = [Profile {
            id: "a&b=c?d#e f+g%",
            permalink: "https://x.example/?q=1&r=2",
        }];
        let url = enquiry_url("MAILTO:x@example.org", &hostile, MAIL);
        let (_, query) = url.split_once('?').expect("a query");
        assert!(!query.contains(['#', ' ', '+', '?']), "{url}");
        assert_eq!(query.matches('&').count(), 1, "{url}");
        assert!(query.contains("a%26b%3Dc%3Fd%23e%20f%2Bg%25"), "{url}");
    }

    #[test]
    fn a_mailto_address_keeps_its_own_subject_and_adds_to_its_query() {
        assert_eq!(
            enquiry_url(
                "mailto:info@tsunagi.example?subject=Enquiry&cc=desk@tsunagi.example",
                ONE,
                MailText {
                    subject: "x",
                    body: "{ids}"
                }
            ),
            "mailto:info@tsunagi.example?subject=Enquiry&cc=desk@tsunagi.example&body=t-2026-001"
        );
    }

    #[test]
    fn placeholders_are_filled_percent_encoded() {
        assert_eq!(
            enquiry_url(
                "https://forms.example/new?entry.1={ids}&entry.2={urls}",
                ONE,
                MAIL
            ),
            "https://forms.example/new?entry.1=t-2026-001\
             &entry.2=https%3A%2F%2Ftsunagi.example%2Ftalents%2Ft-2026-001%2F"
        );
        // in a mailto template the writer's own subject wins, nothing is added
        assert_eq!(
            enquiry_url(
                "mailto:info@tsunagi.example?subject=Profile%20{ids}",
                ONE,
                MAIL
            ),
            "mailto:info@tsunagi.example?subject=Profile%20t-2026-001"
        );
        let two = [
            ONE[0],
            Profile {
                id: "t-2026-007",
                permalink: "https://tsunagi.example/en/talents/t-2026-007/",
            },
        ];
        assert_eq!(
            enquiry_url("https://f.example/?ids={ids}&u={urls}", &two, MAIL),
            "https://f.example/?ids=t-2026-001%2C%20t-2026-007\
             &u=https%3A%2F%2Ftsunagi.example%2Ftalents%2Ft-2026-001%2F%20\
             https%3A%2F%2Ftsunagi.example%2Fen%2Ftalents%2Ft-2026-007%2F"
        );
    }
}
