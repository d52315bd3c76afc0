//! Which address a request comes from: the socket's, or, when the socket is a trusted reverse
//! proxy (`--trusted-proxy`, a list of CIDR blocks), the client that proxy names in
//! `X-Forwarded-For`.
//!
//! `X-Forwarded-For` is believed only from trusted proxies: any client can send the header,
//! so taking it from anyone would let a stranger choose the address that rate limits and the
//! audit log see. The list is read from the right (the entry the nearest proxy appended),
//! skipping trusted proxies; the first untrusted entry is the client.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Networks whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A `--trusted-proxy` entry that is not an address or a CIDR block.
#[derive(Debug, thiserror::Error)]
#[error("可信代理地址格式有误：{0}（应为 IP 地址或 CIDR 网段，如 10.0.0.0/8）")]
pub struct ProxyListError(String);

impl TrustedProxies {
    /// Parses a comma- or space-separated list of addresses and CIDR blocks
    /// (`127.0.0.1, 10.0.0.0/8, ::1`).
    pub fn parse(list: &str) -> Result<TrustedProxies, ProxyListError> {
        let mut nets = Vec::new();
        for item in list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            let net = match item.parse::<IpNet>() {
                Ok(n) => n,
                Err(_) => item
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| ProxyListError(item.to_string()))?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The client's address for a request that reached the socket from `peer`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        // Every X-Forwarded-For header, in order, as one list.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = canonical(ip);
                    if !self.contains(client) {
                        break;
                    }
                }
                // Garbage in the list: nothing before it can be believed.
                Err(_) => break,
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().expect("header"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(ip("203.0.113.9"), &headers(&["1.2.3.4"])),
            ip("203.0.113.9"),
            "without trusted proxies the header is ignored"
        );
        let t = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").expect("list");
        assert_eq!(
            t.client_ip(ip("10.1.2.3"), &headers(&["198.51.100.7"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            t.client_ip(ip("203.0.113.9"), &headers(&["198.51.100.7"])),
            ip("203.0.113.9"),
            "a client that is not a proxy cannot name another address"
        );
        // A client sent its own forged entry first; the proxy appended the real one.
        assert_eq!(
            t.client_ip(
                ip("127.0.0.1"),
                &headers(&["6.6.6.6, 198.51.100.7, 10.9.9.9"])
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            t.client_ip(ip("127.0.0.1"), &headers(&["6.6.6.6", "198.51.100.7"])),
            ip("198.51.100.7"),
            "several headers are one list"
        );
        assert_eq!(
            t.client_ip(ip("127.0.0.1"), &headers(&["garbage, 10.0.0.5"])),
            ip("10.0.0.5"),
            "garbage stops the walk at the last trusted hop"
        );
        assert_eq!(
            t.client_ip(ip("::ffff:10.0.0.1"), &headers(&["1.1.1.1"])),
            ip("1.1.1.1")
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
    }
}
