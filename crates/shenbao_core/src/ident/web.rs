//! E-mail addresses and web site addresses, on top of the `email_address` and `url` crates.
//!
//! Must not: resolve or contact a host; these are checks of the text only.

/// Whether `c` is East Asian punctuation or a symbol (not a letter): `。`, `，`, `“`, ...
/// Such a character at the end of an address is almost always prose punctuation that was
/// copied along with it.
fn is_cjk_punctuation(c: char) -> bool {
    crate::text::is_east_asian(c) && !c.is_alphanumeric()
}

/// Whether `s` is a plain e-mail address (`name@example.cn`).
///
/// Checked with the `email_address` crate (RFC 5321/5322/6531) without display names
/// (`Name <a@b.cn>`) or domain literals (`a@[1.2.3.4]`), and additionally: the domain needs
/// at least two labels with a top-level label of 2+ characters that is not all digits, and no
/// whitespace or East Asian punctuation may appear anywhere. The latter rejects
/// `cytjc@shandong.cn。`, an address copied from prose with its full stop. Surrounding
/// whitespace is ignored (the form trims it anyway).
pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    if s.chars()
        .any(|c| c.is_whitespace() || is_cjk_punctuation(c))
    {
        return false;
    }
    let options = email_address::Options::default()
        .with_minimum_sub_domains(2)
        .without_display_text()
        .without_domain_literal();
    let Ok(addr) = email_address::EmailAddress::parse_with_options(s, options) else {
        return false;
    };
    let Some(tld) = addr.domain().rsplit('.').next() else {
        return false;
    };
    tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit())
}

/// Whether `s` is a web site address: `http` or `https` with a host that is an IP address or a
/// domain name containing a dot (`localhost` is rejected).
///
/// An input without `://` is tried as `https://` + input, so a bare `www.example.com` or
/// `example.gov.cn/path` is accepted. User info (`user:pass@`, which also catches
/// `mailto:a@example.com` read as `https://mailto:a@example.com`), whitespace and East Asian punctuation anywhere (an
/// address copied from prose with its `。`), empty domain labels and a trailing dot in the
/// host are rejected. Surrounding whitespace is ignored.
pub fn is_web_url(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || is_cjk_punctuation(c))
    {
        return false;
    }
    let parsed = if s.contains("://") {
        url::Url::parse(s)
    } else {
        url::Url::parse(&format!("https://{s}"))
    };
    let Ok(url) = parsed else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() {
        return false;
    }
    if url.password().is_some() {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        Some(url::Host::Domain(domain)) => {
            domain.contains('.') && domain.split('.').all(|label| !label.is_empty())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email() {
        let cases: &[(&str, bool)] = &[
            ("cytjc@shandong.cn", true),
            ("  cytjc@shandong.cn  ", true),
            ("first.last+tag@mail.example.com.cn", true),
            ("user_name-1@sub-domain.example.org", true),
            ("用户@例子.中国", true),
            ("cytjc@shandong.cn。", false),
            ("cytjc@shandong。cn", false),
            ("cytjc@shandong.cn，", false),
            ("“cytjc@shandong.cn”", false),
            ("cytjc@shandong", false),
            ("cytjc@shandong.c", false),
            ("cytjc@1.2.3.4", false),
            ("cytjc@[1.2.3.4]", false),
            ("Name <cytjc@shandong.cn>", false),
            ("cytjc shandong.cn", false),
            ("cytjc@@shandong.cn", false),
            ("cytjc@shandong..cn", false),
            ("cytjc@.shandong.cn", false),
            ("@shandong.cn", false),
            ("cytjc@", false),
            ("cy tjc@shandong.cn", false),
            ("", false),
        ];
        for &(input, expected) in cases {
            assert_eq!(is_email(input), expected, "{input:?}");
        }
    }

    #[test]
    fn web_url() {
        let cases: &[(&str, bool)] = &[
            ("https://www.gov.cn", true),
            ("http://kjt.shandong.gov.cn/art/2024/1/1/art_1.html", true),
            ("https://example.com:8443/a?b=c#d", true),
            ("www.example.com", true),
            ("example.gov.cn/path", true),
            ("www.example.com:8080", true),
            ("http://192.168.1.10/app", true),
            ("http://[::1]:8080/", true),
            ("https://中国政府网.政务", true),
            ("HTTPS://WWW.GOV.CN", true),
            ("ftp://example.com", false),
            ("mailto:a@example.com", false),
            ("https://localhost", false),
            ("localhost:8080", false),
            ("https://", false),
            ("www.example.com。", false),
            ("https://www.example.com，", false),
            ("www.example.com.", false),
            ("https://www..example.com", false),
            ("https://www.exa mple.com", false),
            ("见 www.example.com", false),
            ("javascript:alert(1)", false),
            ("https://user:pw@www.example.com", false),
            ("a@example.com", false),
            ("", false),
            ("   ", false),
        ];
        for &(input, expected) in cases {
            assert_eq!(is_web_url(input), expected, "{input:?}");
        }
    }
}
