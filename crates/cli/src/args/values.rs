//! The values of global options: durations, deadlines and rate limits.

use std::time::Duration;

use cfzt_transport::BudgetQuota;

/// `--deadline` when none is given: one of Cloudflare's five-minute blocks, and a minute for
/// the attempts around it. Without a deadline a call waits up to `MAX_PAUSE` (15 minutes)
/// for each pause a server asks for, which no operator at a terminal expects.
pub(crate) const DEFAULT_DEADLINE: &str = "6m";

/// `--deadline`: how long one call may take, or `off` for no limit but the budget's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeadlineArg(pub(crate) Option<Duration>);

/// Parses a duration (`30s`, `6m`) or `off`.
pub(crate) fn parse_deadline(raw: &str) -> Result<DeadlineArg, String> {
    if raw.trim().eq_ignore_ascii_case("off") {
        return Ok(DeadlineArg(None));
    }
    parse_duration(raw).map(|d| DeadlineArg(Some(d)))
}

/// `--rate-limit`: a quota to pace to, or no pacing at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RateLimitArg {
    Off,
    Quota(BudgetQuota),
}

/// Parses `1200/300s`, `4/1s`, `100/1m` or `off`.
pub(crate) fn parse_rate_limit(raw: &str) -> Result<RateLimitArg, String> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("off") {
        return Ok(RateLimitArg::Off);
    }
    let usage = || format!("{raw:?} is not a rate limit such as 1200/300s, 4/1s or off");
    let (requests, window) = raw.split_once('/').ok_or_else(usage)?;
    let requests: u32 = requests.trim().parse().map_err(|_| usage())?;
    let window = parse_duration(window)?;
    let quota = BudgetQuota::new(requests, window).map_err(|e| format!("{raw:?}: {} {}", e.field, e.reason))?;
    Ok(RateLimitArg::Quota(quota))
}

/// Parses `30s`, `500ms`, `2m`, `1h` or plain seconds (`45`).
pub(crate) fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("{raw:?} is not a duration such as 30s, 500ms or 2m"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown unit {other:?} in {raw:?}: use ms, s, m or h")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{raw:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Cli;
    use clap::Parser;

    #[test]
    fn rate_limits() {
        let quota = |n, secs| Some(RateLimitArg::Quota(BudgetQuota::new(n, Duration::from_secs(secs)).unwrap()));
        let cases = [
            ("1200/300s", quota(1200, 300)),
            ("4/1s", quota(4, 1)),
            ("100/1m", quota(100, 60)),
            ("OFF", Some(RateLimitArg::Off)),
            ("0/1s", None),
            ("5/0s", None),
            ("5", None),
            ("x/1s", None),
            ("5/1d", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_rate_limit(raw).ok(), want, "{raw}");
        }
    }

    #[test]
    fn deadlines_default_to_one_block_and_off_switches_them_off() {
        let six_minutes = DeadlineArg(Some(Duration::from_secs(360)));
        assert_eq!(parse_deadline(DEFAULT_DEADLINE), Ok(six_minutes));
        let cases: [(&[&str], DeadlineArg); 6] = [
            (&["cfzt", "users", "list"], six_minutes),
            (&["cfzt", "--deadline", "off", "users", "list"], DeadlineArg(None)),
            (&["cfzt", "users", "list", "--deadline", "OFF"], DeadlineArg(None)),
            (&["cfzt", "--deadline", "30s", "users", "list"], DeadlineArg(Some(Duration::from_secs(30)))),
            (&["cfzt", "users", "list", "--deadline", "10m"], DeadlineArg(Some(Duration::from_secs(600)))),
            (&["cfzt", "--deadline", "10m", "offboard", "a@example.com"], DeadlineArg(Some(Duration::from_secs(600)))),
        ];
        for (argv, want) in cases {
            let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
            let got = cli.global.deadline.unwrap_or_else(|| parse_deadline(DEFAULT_DEADLINE).unwrap());
            assert_eq!(got, want, "{argv:?}");
        }
        assert!(Cli::try_parse_from(["cfzt", "users", "list", "--deadline", "soon"]).is_err());
    }

    #[test]
    fn durations() {
        let cases = [
            ("30s", Some(Duration::from_secs(30))),
            ("45", Some(Duration::from_secs(45))),
            ("500ms", Some(Duration::from_millis(500))),
            ("2m", Some(Duration::from_secs(120))),
            ("1h", Some(Duration::from_secs(3600))),
            ("1.5s", Some(Duration::from_millis(1500))),
            ("", None),
            ("s", None),
            ("3d", None),
            ("-1s", None),
            ("1e400", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_duration(raw).ok(), want, "{raw}");
        }
    }
}
