//! The AWS IoT SDK metrics a client appends to its CONNECT user name, as upstream does: the
//! user name is treated as `base?key=value&...`, and `SDK`, `Platform` and `Metadata` are added
//! unless already there (what the user wrote wins).

/// The longest user name MQTT can carry.
pub const MAX_USERNAME_LEN: usize = u16::MAX as usize;
/// The SDK name sent when the caller gives none.
pub const DEFAULT_SDK: &str = "IoTDeviceSDK/C";

/// The metrics to report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IotMetrics {
    /// The SDK (library) name; empty: [`DEFAULT_SDK`].
    pub library_name: String,
    /// `Metadata` entries, in order.
    pub metadata: Vec<(String, String)>,
}

/// The platform name upstream reports for this operating system.
fn platform() -> &'static str {
    if cfg!(target_os = "windows") {
        "Windows"
    } else if cfg!(target_os = "macos") {
        "macOS"
    } else if cfg!(target_os = "ios") {
        "iOS"
    } else if cfg!(target_os = "android") {
        "Android"
    } else if cfg!(unix) {
        "Unix"
    } else {
        "Unknown"
    }
}

/// `key=value`, or `key` alone when the value is empty.
fn render(key: &str, value: &str) -> String {
    if value.is_empty() {
        key.to_string()
    } else {
        format!("{key}={value}")
    }
}

/// The entries rendered and joined with `separator`.
fn join(entries: &[(String, String)], separator: &str) -> String {
    let rendered: Vec<String> = entries.iter().map(|(k, v)| render(k, v)).collect();
    rendered.join(separator)
}

/// `key=value` entries split at `separator`, empty pieces skipped.
fn parse(text: &str, separator: char) -> Vec<(String, String)> {
    text.split(separator)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (k, v) = split_entry(e);
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Splits `key=value` at its first '='.
fn split_entry(entry: &str) -> (&str, &str) {
    entry.split_once('=').unwrap_or((entry, ""))
}

/// A CONNECT's user name: `username`, with `metrics` appended when set (unchanged when that
/// would not fit, as upstream).
pub fn connect_username(username: Option<&str>, metrics: Option<&IotMetrics>) -> Option<String> {
    match metrics {
        None => username.map(str::to_owned),
        Some(m) => {
            let base = username.unwrap_or_default();
            Some(username_with_metrics(base, m).unwrap_or_else(|| base.to_owned()))
        }
    }
}

/// `username` with the metrics appended; `None` when the result would not fit in a CONNECT
/// (the caller then sends the user name unchanged, as upstream does).
pub fn username_with_metrics(username: &str, metrics: &IotMetrics) -> Option<String> {
    let (base, query) = match username.rfind('?') {
        Some(at) => (&username[..at], &username[at + 1..]),
        None => (username, ""),
    };
    let mut params = parse(query, '&');
    let has = |params: &[(String, String)], key: &str| params.iter().any(|(k, _)| k == key);
    if !has(&params, "SDK") {
        let sdk = if metrics.library_name.is_empty() {
            DEFAULT_SDK
        } else {
            &metrics.library_name
        };
        params.push(("SDK".into(), sdk.into()));
    }
    if !has(&params, "Platform") {
        params.push(("Platform".into(), platform().into()));
    }
    if !metrics.metadata.is_empty() {
        merge_metadata(&mut params, &metrics.metadata);
    }
    let result = format!("{base}?{}", join(&params, "&"));
    (result.len() <= MAX_USERNAME_LEN).then_some(result)
}

/// Adds `entries` to the `Metadata=(k=v;...)` parameter, keeping the entries already there; a
/// `Metadata` value not in parentheses is left alone.
fn merge_metadata(params: &mut Vec<(String, String)>, entries: &[(String, String)]) {
    let Some(at) = params.iter().position(|(k, _)| k == "Metadata") else {
        params.push(("Metadata".into(), format!("({})", join(entries, ";"))));
        return;
    };
    let value = &params[at].1;
    let inner = if value.is_empty() {
        ""
    } else if let Some(inner) = value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
        inner
    } else {
        return;
    };
    let mut merged = parse(inner, ';');
    for (k, v) in entries {
        if !merged.iter().any(|(existing, _)| existing == k) {
            merged.push((k.clone(), v.clone()));
        }
    }
    params[at].1 = format!("({})", join(&merged, ";"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(lib: &str, metadata: &[(&str, &str)]) -> IotMetrics {
        IotMetrics {
            library_name: lib.into(),
            metadata: metadata
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn metrics_are_appended_as_query_parameters() {
        let got = username_with_metrics(
            "myuser?existing=value",
            &metrics("MySDK/1.0", &[("ver", "1.0")]),
        );
        assert_eq!(
            got.as_deref(),
            Some("myuser?existing=value&SDK=MySDK/1.0&Platform=Unix&Metadata=(ver=1.0)")
        );
    }

    #[test]
    fn no_user_name_still_reports_the_default_sdk() {
        let got = username_with_metrics("", &metrics("", &[]));
        assert_eq!(got.as_deref(), Some("?SDK=IoTDeviceSDK/C&Platform=Unix"));
    }

    #[test]
    fn parameters_the_user_set_win() {
        let got = username_with_metrics(
            "u?SDK=Mine&Metadata=(a=1)",
            &metrics("X", &[("a", "2"), ("b", "")]),
        );
        assert_eq!(
            got.as_deref(),
            Some("u?SDK=Mine&Metadata=(a=1;b)&Platform=Unix")
        );
    }

    #[test]
    fn only_the_last_question_mark_starts_the_query() {
        let got = username_with_metrics("user?name?test?", &metrics("", &[]));
        assert_eq!(
            got.as_deref(),
            Some("user?name?test?SDK=IoTDeviceSDK/C&Platform=Unix")
        );
    }

    #[test]
    fn a_result_too_long_for_mqtt_is_refused() {
        let long = "x".repeat(MAX_USERNAME_LEN);
        assert_eq!(username_with_metrics(&long, &metrics("", &[])), None);
    }
}
