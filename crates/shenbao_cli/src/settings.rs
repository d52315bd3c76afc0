//! `shenbao serve`'s configuration and the data folder shared by every command: flags >
//! environment > config file > defaults, and how a database URL is shown (without its
//! password).
//!
//! Must not: open the database or start anything; `serve.rs` does.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use shenbao_web::notify::SmtpSettings;
use shenbao_web::{ServeOptions, TrustedProxies, WebConfig};

/// Where the data lives; shared by `serve` and the `user` commands.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// Data folder: the SQLite database and uploaded files [default: ./data].
    #[arg(long, env = "SHENBAO_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: `sqlite://…` (default: data folder/shenbao.db) or `postgres://…`.
    #[arg(long, env = "SHENBAO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file (TOML with the keys listen, data_dir, database_url,
    /// max_upload_mb, smtp_url, mail_from, public_url, trusted_proxy, secure_cookies,
    /// require_second_factor, max_connections, max_connections_per_ip, audit_retention_days)
    /// [default: ./shenbao.toml when it exists].
    #[arg(long, env = "SHENBAO_CONFIG")]
    pub config: Option<PathBuf>,
}

/// Options of `shenbao serve`; each may also come from `SHENBAO_*` variables or the config
/// file.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "SHENBAO_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Largest upload in MB [default: 200].
    #[arg(long, env = "SHENBAO_MAX_UPLOAD_MB")]
    pub max_upload_mb: Option<u64>,
    /// Demo mode: move every call's deadline 30 days ahead and create demo accounts.
    #[arg(long)]
    pub demo: bool,
    /// A folder of call files (`*.toml`, written as docs/call-format.md describes) served
    /// beside the built-in calls [default: none].
    #[arg(long = "calls", env = "SHENBAO_CALLS_DIR")]
    pub calls_dir: Option<PathBuf>,
    /// SMTP server for notification e-mail, e.g. `smtp://user:pass@host:587?tls=required`
    /// [default: none, notifications stay in the site's inbox].
    #[arg(long, env = "SHENBAO_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of notification e-mail, e.g. `申报通 <noreply@example.cn>`.
    #[arg(long, env = "SHENBAO_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The site's public address, e.g. `https://shenbao.example.cn`, for links in e-mail;
    /// `https://…` also marks cookies `Secure`.
    #[arg(long, env = "SHENBAO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed: addresses or CIDR blocks, comma
    /// separated, e.g. `127.0.0.1,10.0.0.0/8` [default: none, the socket's address counts].
    #[arg(long, env = "SHENBAO_TRUSTED_PROXY")]
    pub trusted_proxy: Option<String>,
    /// Mark cookies `Secure` even when the public URL is not https (TLS ends at a proxy that
    /// is reached over http).
    #[arg(long, env = "SHENBAO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Roles whose accounts must set up a second factor (TOTP) before anything else, comma
    /// separated: bureau, owner, expert, admin [default: none].
    #[arg(long, env = "SHENBAO_REQUIRE_SECOND_FACTOR")]
    pub require_second_factor: Option<String>,
    /// Most connections open at once [default: 4096, lowered to fit the open-files limit].
    #[arg(long, env = "SHENBAO_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Most connections open at once from one client address [default: 256].
    #[arg(long, env = "SHENBAO_MAX_CONNECTIONS_PER_IP")]
    pub max_connections_per_ip: Option<usize>,
    /// Days audit-log entries are kept before the server deletes them: at least 180
    /// (《网络安全法》 §21), or 0 to keep them all [default: 180].
    #[arg(long, env = "SHENBAO_AUDIT_RETENTION_DAYS")]
    pub audit_retention_days: Option<u32>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// The config file's keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    max_upload_mb: Option<u64>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    public_url: Option<String>,
    trusted_proxy: Option<String>,
    secure_cookies: Option<bool>,
    require_second_factor: Option<String>,
    max_connections: Option<usize>,
    max_connections_per_ip: Option<usize>,
    audit_retention_days: Option<u32>,
    calls_dir: Option<PathBuf>,
}

/// The effective configuration.
#[derive(Debug)]
pub struct Settings {
    /// Listen address.
    pub listen: SocketAddr,
    /// Data folder.
    pub data_dir: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Upload limit in MB.
    pub max_upload_mb: u64,
    /// SMTP connection URL; notification e-mail is sent only when set.
    pub smtp_url: Option<String>,
    /// Sender of notification e-mail.
    pub mail_from: Option<String>,
    /// Public base address for links in e-mail.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxy: Option<String>,
    /// Cookies marked `Secure` whatever the public URL.
    pub secure_cookies: bool,
    /// Roles that must have a second factor.
    pub require_second_factor: Option<String>,
    /// Connection caps (total, per client address).
    pub max_connections: Option<usize>,
    /// See `max_connections`.
    pub max_connections_per_ip: Option<usize>,
    /// Days audit-log entries are kept (0: all are kept).
    pub audit_retention_days: u32,
    /// A folder of call files served beside the built-in calls.
    pub calls_dir: Option<PathBuf>,
}

impl Settings {
    /// The SMTP settings when e-mail is configured. A URL without a sender, and a public
    /// address that is not `http(s)://…`, are errors.
    pub fn smtp(&self) -> Result<Option<SmtpSettings>> {
        if let Some(u) = &self.public_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            anyhow::bail!("公开访问地址须以 http:// 或 https:// 开头：{u}");
        }
        match (&self.smtp_url, &self.mail_from) {
            (Some(url), Some(from)) => Ok(Some(SmtpSettings {
                url: url.clone(),
                from: from.clone(),
            })),
            (Some(_), None) => {
                anyhow::bail!(
                    "已设置 SMTP 地址，但未设置发件人（--mail-from 或 SHENBAO_MAIL_FROM）"
                )
            }
            (None, _) => Ok(None),
        }
    }
}

impl Settings {
    /// The web layer's settings: trusted proxies, and `Secure` cookies when the public URL is
    /// https or when forced.
    pub fn web(&self) -> Result<WebConfig> {
        let trusted_proxies = match &self.trusted_proxy {
            Some(list) => TrustedProxies::parse(list)?,
            None => TrustedProxies::default(),
        };
        let https = self
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let second_factor_roles = match &self.require_second_factor {
            Some(list) => {
                shenbao_web::second_factor::parse_roles(list).map_err(anyhow::Error::msg)?
            }
            None => Vec::new(),
        };
        // Printed forms' QR codes point here: the public URL, else the listening address
        // (right on one machine; set --public-url for phones elsewhere).
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        Ok(WebConfig {
            trusted_proxies,
            secure_cookies: self.secure_cookies || https,
            second_factor_roles,
            public_url: Some(public_url),
        })
    }

    /// The server loop's limits: the caps asked for, within the open-files limit `fd_limit`.
    pub fn serve_options(&self, fd_limit: u64) -> ServeOptions {
        let defaults = ServeOptions::default();
        ServeOptions {
            max_connections: self.max_connections.unwrap_or(defaults.max_connections),
            max_connections_per_ip: self
                .max_connections_per_ip
                .unwrap_or(defaults.max_connections_per_ip),
            ..defaults
        }
        .within_fd_limit(fd_limit)
    }
}

impl ServeArgs {
    /// Merges flags and environment (already in `self`) over the config file and defaults.
    pub fn settings(&self) -> Result<Settings> {
        let mut s = self.data.settings(self.listen, self.max_upload_mb)?;
        s.smtp_url = self.smtp_url.clone().or(s.smtp_url);
        s.mail_from = self.mail_from.clone().or(s.mail_from);
        s.public_url = self.public_url.clone().or(s.public_url);
        s.trusted_proxy = self.trusted_proxy.clone().or(s.trusted_proxy);
        s.secure_cookies |= self.secure_cookies;
        s.require_second_factor = self
            .require_second_factor
            .clone()
            .or(s.require_second_factor);
        s.max_connections = self.max_connections.or(s.max_connections);
        s.max_connections_per_ip = self.max_connections_per_ip.or(s.max_connections_per_ip);
        if let Some(days) = self.audit_retention_days {
            s.audit_retention_days = days;
        }
        s.calls_dir = self.calls_dir.clone().or(s.calls_dir);
        if s.audit_retention_days != 0 {
            crate::retention::check_retention(s.audit_retention_days)?;
        }
        Ok(s)
    }
}

impl DataArgs {
    /// Merges these flags, `listen` and `max_upload_mb` over the config file and defaults.
    pub fn settings(
        &self,
        listen: Option<SocketAddr>,
        max_upload_mb: Option<u64>,
    ) -> Result<Settings> {
        let file = match &self.config {
            Some(p) => Some(p.clone()),
            None => Path::new("shenbao.toml")
                .exists()
                .then(|| PathBuf::from("shenbao.toml")),
        };
        let fc: FileConfig = match file {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("读取配置文件 {}", p.display()))?;
                toml::from_str(&text)
                    .with_context(|| format!("配置文件 {} 格式有误", p.display()))?
            }
            None => FileConfig::default(),
        };
        let data_dir = self
            .data_dir
            .clone()
            .or(fc.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = self
            .database_url
            .clone()
            .or(fc.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("shenbao.db").display()));
        Ok(Settings {
            listen: listen
                .or(fc.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir,
            database_url,
            max_upload_mb: max_upload_mb.or(fc.max_upload_mb).unwrap_or(200),
            smtp_url: fc.smtp_url,
            mail_from: fc.mail_from,
            public_url: fc.public_url,
            trusted_proxy: fc.trusted_proxy,
            secure_cookies: fc.secure_cookies.unwrap_or(false),
            require_second_factor: fc.require_second_factor,
            max_connections: fc.max_connections,
            max_connections_per_ip: fc.max_connections_per_ip,
            audit_retention_days: fc
                .audit_retention_days
                .unwrap_or(crate::retention::MIN_RETENTION_DAYS),
            calls_dir: fc.calls_dir,
        })
    }
}

/// Hides a password in a database URL for printing.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(config: Option<PathBuf>, data_dir: Option<&str>) -> DataArgs {
        DataArgs {
            data_dir: data_dir.map(PathBuf::from),
            database_url: None,
            config,
        }
    }

    /// `serve` with no flags but the config file `file`.
    fn serve_args(file: &Path) -> ServeArgs {
        ServeArgs {
            listen: None,
            max_upload_mb: None,
            demo: false,
            calls_dir: None,
            smtp_url: None,
            mail_from: None,
            public_url: None,
            trusted_proxy: None,
            secure_cookies: false,
            require_second_factor: None,
            max_connections: None,
            max_connections_per_ip: None,
            audit_retention_days: None,
            data: data(Some(file.to_path_buf()), None),
        }
    }

    #[test]
    fn defaults_are_the_embedded_sqlite_in_data() {
        let s = data(Some(PathBuf::from("/nonexistent/none.toml")), None).settings(None, None);
        assert!(
            s.is_err(),
            "a named config file that is missing is an error"
        );
        let dir = std::env::temp_dir().join(format!("shenbao-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let empty = dir.join("empty.toml");
        std::fs::write(&empty, "").expect("write");
        let s = data(Some(empty), None)
            .settings(None, None)
            .expect("settings");
        assert_eq!(s.listen, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(s.data_dir, PathBuf::from("data"));
        assert_eq!(s.database_url, "sqlite://data/shenbao.db");
        assert_eq!(s.max_upload_mb, 200);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn flags_override_the_config_file_which_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("shenbao-settings2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("shenbao.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/shenbao\"\nmax_upload_mb = 50\n",
        )
        .expect("write");
        let s = data(Some(file.clone()), None)
            .settings(None, None)
            .expect("settings");
        assert_eq!(s.listen, SocketAddr::from(([0, 0, 0, 0], 9000)));
        assert_eq!(s.database_url, "sqlite:///srv/shenbao/shenbao.db");
        assert_eq!(s.max_upload_mb, 50);
        let s = data(Some(file.clone()), Some("/tmp/x"))
            .settings(Some(SocketAddr::from(([127, 0, 0, 1], 1))), Some(7))
            .expect("settings");
        assert_eq!(s.listen, SocketAddr::from(([127, 0, 0, 1], 1)));
        assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(s.max_upload_mb, 7);
        std::fs::write(&file, "listne = \"x\"\n").expect("write");
        let e = data(Some(file), None)
            .settings(None, None)
            .expect_err("typo refused");
        assert!(format!("{e:#}").contains("格式有误"), "{e:#}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_calls_folder_comes_from_the_flag_over_the_config_file() {
        let dir = std::env::temp_dir().join(format!("shenbao-settings5-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("shenbao.toml");
        std::fs::write(&file, "calls_dir = \"/srv/calls\"\n").expect("write");
        let args = |calls_dir: Option<&str>| ServeArgs {
            calls_dir: calls_dir.map(PathBuf::from),
            ..serve_args(&file)
        };
        let s = args(None).settings().expect("settings");
        assert_eq!(s.calls_dir, Some(PathBuf::from("/srv/calls")));
        let s = args(Some("/tmp/calls")).settings().expect("settings");
        assert_eq!(s.calls_dir, Some(PathBuf::from("/tmp/calls")));
        std::fs::write(&file, "").expect("write");
        assert_eq!(args(None).settings().expect("settings").calls_dir, None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn mail_settings_follow_flags_over_the_config_file() {
        let dir = std::env::temp_dir().join(format!("shenbao-settings3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("shenbao.toml");
        std::fs::write(
            &file,
            "smtp_url = \"smtp://file:25\"\nmail_from = \"a@example.cn\"\n\
             public_url = \"https://file.example.cn\"\n",
        )
        .expect("write");
        let args = |smtp_url: Option<&str>, public_url: Option<&str>| ServeArgs {
            smtp_url: smtp_url.map(str::to_string),
            public_url: public_url.map(str::to_string),
            ..serve_args(&file)
        };
        let s = args(None, None).settings().expect("settings");
        let smtp = s.smtp().expect("valid").expect("configured");
        assert_eq!(smtp.url, "smtp://file:25");
        assert_eq!(smtp.from, "a@example.cn");
        assert_eq!(s.public_url.as_deref(), Some("https://file.example.cn"));
        let s = args(Some("smtp://flag:2525"), Some("ftp://x"))
            .settings()
            .expect("settings");
        assert_eq!(s.smtp_url.as_deref(), Some("smtp://flag:2525"));
        assert!(s.smtp().is_err(), "a public URL must be http(s)");

        std::fs::write(&file, "").expect("write");
        let s = args(None, None).settings().expect("settings");
        assert_eq!(s.smtp().expect("valid"), None);
        let s = args(Some("smtp://flag:2525"), None)
            .settings()
            .expect("settings");
        let e = s.smtp().expect_err("no sender");
        assert!(format!("{e:#}").contains("发件人"), "{e:#}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn audit_retention_is_180_days_unless_set_and_never_less() {
        let dir = std::env::temp_dir().join(format!("shenbao-settings4-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("shenbao.toml");
        let args = |days: Option<u32>| ServeArgs {
            audit_retention_days: days,
            ..serve_args(&file)
        };
        std::fs::write(&file, "").expect("write");
        assert_eq!(args(None).settings().expect("ok").audit_retention_days, 180);
        std::fs::write(&file, "audit_retention_days = 365\n").expect("write");
        assert_eq!(args(None).settings().expect("ok").audit_retention_days, 365);
        assert_eq!(
            args(Some(400)).settings().expect("ok").audit_retention_days,
            400
        );
        assert_eq!(
            args(Some(0))
                .settings()
                .expect("keep all")
                .audit_retention_days,
            0
        );
        let e = args(Some(90)).settings().expect_err("too short");
        assert!(format!("{e:#}").contains("至少保留 180 天"), "{e:#}");
        std::fs::write(&file, "audit_retention_days = 30\n").expect("write");
        assert!(args(None).settings().is_err(), "from the file too");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(
            redact("postgres://app:secret@db/shenbao"),
            "postgres://app:***@db/shenbao"
        );
        assert_eq!(
            redact("sqlite://data/shenbao.db"),
            "sqlite://data/shenbao.db"
        );
    }
}
