//! The reconnect backoff both clients share: how long to wait before the next connection attempt,
//! and when a connection has lasted long enough to start again from the minimum delay.
//!
//! Sans-IO and clock-free: the engine asks [`Backoff::next_delay`] when it schedules an attempt and
//! reports CONNACK success and connection loss with its own `now` (nanoseconds on the engine's
//! clock). Randomness comes from an injected [`RandomSource`], so tests are deterministic.
//!
//! Upstream rules (aws-c-mqtt), modelled by one mechanism:
//!
//! - **Delay.** The `n`-th attempt since the last reset (counting from 0) waits
//!   `min(min_delay_ms · 2ⁿ, max_delay_ms)` without jitter (2ⁿ saturates at 2⁶³, the product
//!   saturates). Full jitter draws uniformly from `[0, min_delay_ms · 2ⁿ]` (inclusive), then caps at
//!   the maximum. Decorrelated jitter draws from `[min_delay_ms, 3 · previous]` (bounds taken in
//!   either order), then caps at the maximum; with no previous delay (first attempt, or the previous draw was 0) it is full jitter.
//!   The MQTT 3.1.1 connection's doubling of `current_sec` (start at min, double, clamp to max) is
//!   the no-jitter sequence.
//! - **Reset.** A connection that reached CONNACK success and stayed up at least `reset_after_ms`
//!   (`now - connected_at >= reset_after_ms`) puts the backoff back at the minimum: MQTT 5's
//!   `min_connected_time_to_reset_reconnect_delay_ms` (default 30 s), MQTT 3.1.1's fixed
//!   `AWS_RESET_RECONNECT_BACKOFF_DELAY_SECONDS` (10 s). A user disconnect in 3.1.1 also resets:
//!   the engine calls [`Backoff::reset`].
//!
//! One deliberate difference: upstream's MQTT 5 client reads `current_reconnect_delay_ms` as the
//! previous delay but never stores the computed delay into it, so its decorrelated mode is in
//! practice full jitter. Here the previous (capped) delay is remembered, as aws-c-io's retry
//! strategy does, so decorrelated jitter behaves as documented.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// MQTT 5 default minimum reconnect delay (`AWS_MQTT5_CLIENT_DEFAULT_MIN_RECONNECT_DELAY_MS`).
pub const MQTT5_DEFAULT_MIN_RECONNECT_DELAY_MS: u64 = 1_000;
/// MQTT 5 default maximum reconnect delay (`AWS_MQTT5_CLIENT_DEFAULT_MAX_RECONNECT_DELAY_MS`).
pub const MQTT5_DEFAULT_MAX_RECONNECT_DELAY_MS: u64 = 120_000;
/// MQTT 5 default connected time after which the delay resets
/// (`AWS_MQTT5_CLIENT_DEFAULT_MIN_CONNECTED_TIME_TO_RESET_RECONNECT_DELAY_MS`).
pub const MQTT5_DEFAULT_MIN_CONNECTED_TIME_TO_RESET_MS: u64 = 30_000;
/// MQTT 3.1.1 default minimum reconnect delay (`reconnect_timeouts.min_sec = 1`).
pub const MQTT311_DEFAULT_MIN_RECONNECT_DELAY_MS: u64 = 1_000;
/// MQTT 3.1.1 default maximum reconnect delay (`reconnect_timeouts.max_sec = 128`).
pub const MQTT311_DEFAULT_MAX_RECONNECT_DELAY_MS: u64 = 128_000;
/// MQTT 3.1.1 connected time after which the delay resets; fixed upstream
/// (`AWS_RESET_RECONNECT_BACKOFF_DELAY_SECONDS`).
pub const MQTT311_CONNECTED_TIME_TO_RESET_MS: u64 = 10_000;

const NANOS_PER_MILLI: u64 = 1_000_000;

/// How the delay is randomised (upstream's `aws_exponential_backoff_jitter_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JitterMode {
    /// `min · 2ⁿ`, capped at the maximum.
    None,
    /// Uniform in `[0, min · 2ⁿ]`, capped at the maximum. Upstream's default.
    Full,
    /// Uniform in `[min, 3 · previous]`, capped at the maximum.
    Decorrelated,
}

impl JitterMode {
    /// The mode for an upstream enum value: `DEFAULT` (0) and `FULL` (2) are full jitter,
    /// `NONE` (1) none, `DECORRELATED` (3) decorrelated; any other value is `None` here.
    pub fn from_upstream(value: u32) -> Option<JitterMode> {
        match value {
            0 | 2 => Some(JitterMode::Full),
            1 => Some(JitterMode::None),
            3 => Some(JitterMode::Decorrelated),
            _ => None,
        }
    }
}

/// A source of uniform random numbers.
pub trait RandomSource: Send {
    /// A value in `[0, upper)`; `upper` is never 0.
    fn below(&mut self, upper: u64) -> u64;
}

impl<F: FnMut(u64) -> u64 + Send> RandomSource for F {
    fn below(&mut self, upper: u64) -> u64 {
        self(upper)
    }
}

/// SplitMix64: a small, fast, non-cryptographic generator; the default [`RandomSource`].
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator with a fixed seed (reproducible sequences).
    pub fn with_seed(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// A generator seeded from the process's hash keys (OS entropy), the clock and an address.
    pub fn from_entropy() -> SplitMix64 {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let marker = 0u8;
        hasher.write_u64(nanos);
        hasher.write_usize(&marker as *const u8 as usize);
        SplitMix64::with_seed(hasher.finish())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl RandomSource for SplitMix64 {
    fn below(&mut self, upper: u64) -> u64 {
        self.next_u64() % upper
    }
}

/// The backoff settings, in milliseconds as upstream's options carry them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackoffConfig {
    /// The delay of the first attempt (and the floor of decorrelated jitter).
    pub min_delay_ms: u64,
    /// No delay exceeds this.
    pub max_delay_ms: u64,
    /// How the delay is randomised.
    pub jitter: JitterMode,
    /// A connection up at least this long resets the backoff to the minimum.
    pub reset_after_ms: u64,
}

impl BackoffConfig {
    /// MQTT 5 defaults: 1 s to 120 s, full jitter, reset after 30 s connected.
    pub const MQTT5_DEFAULT: BackoffConfig = BackoffConfig {
        min_delay_ms: MQTT5_DEFAULT_MIN_RECONNECT_DELAY_MS,
        max_delay_ms: MQTT5_DEFAULT_MAX_RECONNECT_DELAY_MS,
        jitter: JitterMode::Full,
        reset_after_ms: MQTT5_DEFAULT_MIN_CONNECTED_TIME_TO_RESET_MS,
    };

    /// MQTT 3.1.1 defaults: 1 s doubling to 128 s, no jitter, reset after 10 s connected.
    pub const MQTT311_DEFAULT: BackoffConfig = BackoffConfig::mqtt311(
        MQTT311_DEFAULT_MIN_RECONNECT_DELAY_MS / 1_000,
        MQTT311_DEFAULT_MAX_RECONNECT_DELAY_MS / 1_000,
    );

    /// The MQTT 3.1.1 backoff for `aws_mqtt_client_connection_set_reconnect_timeout` (seconds).
    pub const fn mqtt311(min_sec: u64, max_sec: u64) -> BackoffConfig {
        BackoffConfig {
            min_delay_ms: min_sec.saturating_mul(1_000),
            max_delay_ms: max_sec.saturating_mul(1_000),
            jitter: JitterMode::None,
            reset_after_ms: MQTT311_CONNECTED_TIME_TO_RESET_MS,
        }
    }
}

/// The reconnect backoff of one client: attempts since the last reset, the previous delay, and
/// when the current connection (if any) reached CONNACK success.
pub struct Backoff {
    config: BackoffConfig,
    attempts: u32,
    previous_delay_ms: u64,
    connected_at_ns: Option<u64>,
    random: Box<dyn RandomSource>,
}

impl fmt::Debug for Backoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backoff")
            .field("config", &self.config)
            .field("attempts", &self.attempts)
            .field("previous_delay_ms", &self.previous_delay_ms)
            .field("connected_at_ns", &self.connected_at_ns)
            .finish_non_exhaustive()
    }
}

impl Backoff {
    /// A backoff at its minimum, drawing from a [`SplitMix64::from_entropy`] generator.
    pub fn new(config: BackoffConfig) -> Backoff {
        Backoff::with_random(config, SplitMix64::from_entropy())
    }

    /// A backoff at its minimum, drawing from `random`.
    pub fn with_random(config: BackoffConfig, random: impl RandomSource + 'static) -> Backoff {
        Backoff {
            config,
            attempts: 0,
            previous_delay_ms: 0,
            connected_at_ns: None,
            random: Box::new(random),
        }
    }

    /// The settings.
    pub fn config(&self) -> &BackoffConfig {
        &self.config
    }

    /// Delays handed out since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The delay before the next connection attempt; counts the attempt.
    pub fn next_delay(&mut self) -> Duration {
        let drawn = match self.config.jitter {
            JitterMode::None => self.exponential_ms(),
            JitterMode::Full => self.full_jitter_ms(),
            JitterMode::Decorrelated => self.decorrelated_jitter_ms(),
        };
        let delay_ms = drawn.min(self.config.max_delay_ms);
        self.previous_delay_ms = delay_ms;
        self.attempts = self.attempts.saturating_add(1);
        Duration::from_millis(delay_ms)
    }

    /// The connection reached CONNACK success at `now_ns`.
    pub fn on_connected(&mut self, now_ns: u64) {
        self.connected_at_ns = Some(now_ns);
    }

    /// The connection (or attempt) ended at `now_ns`. Resets the backoff, and says so, if a
    /// connection had been up at least `reset_after_ms`.
    pub fn on_disconnected(&mut self, now_ns: u64) -> bool {
        let Some(connected_at_ns) = self.connected_at_ns.take() else {
            return false;
        };
        let reset_at_ns = connected_at_ns
            .saturating_add(self.config.reset_after_ms.saturating_mul(NANOS_PER_MILLI));
        let stable = now_ns >= reset_at_ns;
        if stable {
            self.reset();
        }
        stable
    }

    /// New settings, from the minimum delay on.
    pub fn reconfigure(&mut self, config: BackoffConfig) {
        self.config = config;
        self.reset();
    }

    /// Back to the minimum delay, as if no attempt had been made.
    pub fn reset(&mut self) {
        self.attempts = 0;
        self.previous_delay_ms = 0;
        self.connected_at_ns = None;
    }

    fn exponential_ms(&self) -> u64 {
        let doubling = 1u64 << self.attempts.min(63);
        doubling.saturating_mul(self.config.min_delay_ms)
    }

    fn full_jitter_ms(&mut self) -> u64 {
        self.random_in_range(0, self.exponential_ms())
    }

    fn decorrelated_jitter_ms(&mut self) -> u64 {
        if self.previous_delay_ms == 0 {
            return self.full_jitter_ms();
        }
        let ceiling = self.previous_delay_ms.saturating_mul(3);
        self.random_in_range(self.config.min_delay_ms, ceiling)
    }

    /// Uniform in the closed range between `a` and `b`, in either order.
    fn random_in_range(&mut self, a: u64, b: u64) -> u64 {
        let (low, high) = (a.min(b), a.max(b));
        match high - low {
            0 => low,
            u64::MAX => self.random.below(u64::MAX),
            span => low + self.random.below(span + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    const SEC_NS: u64 = 1_000_000_000;

    fn config(min: u64, max: u64, jitter: JitterMode) -> BackoffConfig {
        BackoffConfig {
            min_delay_ms: min,
            max_delay_ms: max,
            jitter,
            reset_after_ms: 30_000,
        }
    }

    /// A source that always returns its largest allowed value and records every bound asked.
    fn highest(bounds: Arc<Mutex<Vec<u64>>>) -> impl RandomSource {
        move |upper: u64| {
            bounds.lock().unwrap().push(upper);
            upper - 1
        }
    }

    fn delays_ms(backoff: &mut Backoff, count: usize) -> Vec<u64> {
        (0..count)
            .map(|_| backoff.next_delay().as_millis() as u64)
            .collect()
    }

    #[test]
    fn no_jitter_doubles_from_min_and_caps_at_max() {
        let mut backoff = Backoff::new(config(1_000, 10_000, JitterMode::None));
        assert_eq!(
            delays_ms(&mut backoff, 6),
            [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]
        );
    }

    #[test]
    fn mqtt311_defaults_double_from_one_to_128_seconds() {
        let mut backoff = Backoff::new(BackoffConfig::MQTT311_DEFAULT);
        let seconds: Vec<u64> = delays_ms(&mut backoff, 10)
            .iter()
            .map(|ms| ms / 1_000)
            .collect();
        assert_eq!(seconds, [1, 2, 4, 8, 16, 32, 64, 128, 128, 128]);
    }

    #[test]
    fn min_above_max_yields_max() {
        let mut backoff = Backoff::new(config(5_000, 3_000, JitterMode::None));
        assert_eq!(delays_ms(&mut backoff, 2), [3_000, 3_000]);
    }

    #[test]
    fn full_jitter_draws_from_zero_to_exponential_inclusive() {
        let bounds = Arc::new(Mutex::new(Vec::new()));
        let mut backoff = Backoff::with_random(
            config(100, 1_000, JitterMode::Full),
            highest(bounds.clone()),
        );
        assert_eq!(delays_ms(&mut backoff, 5), [100, 200, 400, 800, 1_000]);
        assert_eq!(*bounds.lock().unwrap(), [101, 201, 401, 801, 1_601]);
    }

    #[test]
    fn full_jitter_can_draw_zero() {
        let mut backoff = Backoff::with_random(config(100, 1_000, JitterMode::Full), |_: u64| 0);
        assert_eq!(delays_ms(&mut backoff, 3), [0, 0, 0]);
    }

    #[test]
    fn full_jitter_stays_within_zero_and_exponential() {
        let mut backoff = Backoff::with_random(
            config(100, 5_000, JitterMode::Full),
            SplitMix64::with_seed(7),
        );
        for attempt in 0..200u32 {
            let exponential = 100u64.saturating_mul(1 << attempt.min(63)).min(5_000);
            assert!(backoff.next_delay().as_millis() as u64 <= exponential);
        }
    }

    #[test]
    fn decorrelated_first_delay_is_full_jitter() {
        let bounds = Arc::new(Mutex::new(Vec::new()));
        let mut backoff = Backoff::with_random(
            config(100, 10_000, JitterMode::Decorrelated),
            highest(bounds.clone()),
        );
        assert_eq!(backoff.next_delay(), Duration::from_millis(100));
        assert_eq!(*bounds.lock().unwrap(), [101]);
    }

    #[test]
    fn decorrelated_draws_between_min_and_three_times_previous() {
        let bounds = Arc::new(Mutex::new(Vec::new()));
        let mut backoff = Backoff::with_random(
            config(100, 10_000, JitterMode::Decorrelated),
            highest(bounds.clone()),
        );
        // 100, then [100, 300], [100, 900], [100, 2700], [100, 8100], [100, 24300] capped.
        assert_eq!(
            delays_ms(&mut backoff, 7),
            [100, 300, 900, 2_700, 8_100, 10_000, 10_000]
        );
        assert_eq!(
            *bounds.lock().unwrap(),
            [101, 201, 801, 2_601, 8_001, 24_201, 29_901]
        );
    }

    #[test]
    fn decorrelated_after_a_zero_draw_is_full_jitter_again() {
        let draws = Arc::new(Mutex::new(vec![0u64, 0]));
        let bounds = Arc::new(Mutex::new(Vec::new()));
        let (draws2, bounds2) = (draws.clone(), bounds.clone());
        let random = move |upper: u64| {
            bounds2.lock().unwrap().push(upper);
            draws2.lock().unwrap().pop().unwrap_or(upper - 1)
        };
        let mut backoff =
            Backoff::with_random(config(100, 10_000, JitterMode::Decorrelated), random);
        assert_eq!(delays_ms(&mut backoff, 3), [0, 0, 400]);
        assert_eq!(*bounds.lock().unwrap(), [101, 201, 401]);
    }

    #[test]
    fn decorrelated_takes_bounds_in_either_order_when_three_times_previous_is_below_min() {
        let draws = Arc::new(Mutex::new(vec![20u64]));
        let bounds = Arc::new(Mutex::new(Vec::new()));
        let (draws2, bounds2) = (draws.clone(), bounds.clone());
        let random = move |upper: u64| {
            bounds2.lock().unwrap().push(upper);
            draws2.lock().unwrap().pop().unwrap_or(upper - 1)
        };
        let mut backoff =
            Backoff::with_random(config(100, 10_000, JitterMode::Decorrelated), random);
        // 20, then the range [60, 100].
        assert_eq!(delays_ms(&mut backoff, 2), [20, 100]);
        assert_eq!(*bounds.lock().unwrap(), [101, 41]);
    }

    #[test]
    fn decorrelated_stays_within_min_and_three_times_previous() {
        let (min, max) = (100, 60_000);
        let mut backoff = Backoff::with_random(
            config(min, max, JitterMode::Decorrelated),
            SplitMix64::with_seed(42),
        );
        let mut previous = backoff.next_delay().as_millis() as u64;
        assert!(previous <= min);
        for _ in 0..500 {
            let delay = backoff.next_delay().as_millis() as u64;
            if previous != 0 {
                // The bounds are taken in either order, as upstream's random_in_range does.
                let (low, high) = (min.min(previous * 3), min.max(previous * 3));
                assert!(delay >= low.min(max) && delay <= high.min(max));
            }
            previous = delay;
        }
    }

    #[test]
    fn long_enough_connection_resets_to_min() {
        let mut backoff = Backoff::new(config(1_000, 60_000, JitterMode::None));
        delays_ms(&mut backoff, 3);
        backoff.on_connected(5 * SEC_NS);
        assert!(backoff.on_disconnected(35 * SEC_NS));
        assert_eq!(backoff.next_delay(), Duration::from_secs(1));
    }

    #[test]
    fn short_connection_keeps_the_backoff() {
        let mut backoff = Backoff::new(config(1_000, 60_000, JitterMode::None));
        delays_ms(&mut backoff, 3);
        backoff.on_connected(5 * SEC_NS);
        assert!(!backoff.on_disconnected(35 * SEC_NS - 1));
        assert_eq!(backoff.next_delay(), Duration::from_secs(8));
    }

    #[test]
    fn failed_attempt_without_connack_keeps_the_backoff() {
        let mut backoff = Backoff::new(config(1_000, 60_000, JitterMode::None));
        delays_ms(&mut backoff, 2);
        assert!(!backoff.on_disconnected(u64::MAX));
        assert_eq!(backoff.next_delay(), Duration::from_secs(4));
    }

    #[test]
    fn connection_time_is_forgotten_after_disconnect() {
        let mut backoff = Backoff::new(config(1_000, 60_000, JitterMode::None));
        backoff.on_connected(0);
        assert!(!backoff.on_disconnected(SEC_NS));
        delays_ms(&mut backoff, 2);
        assert!(!backoff.on_disconnected(100 * SEC_NS));
        assert_eq!(backoff.next_delay(), Duration::from_secs(4));
    }

    #[test]
    fn mqtt311_resets_after_ten_seconds_connected() {
        let mut backoff = Backoff::new(BackoffConfig::MQTT311_DEFAULT);
        delays_ms(&mut backoff, 4);
        backoff.on_connected(0);
        assert!(backoff.on_disconnected(10 * SEC_NS));
        assert_eq!(backoff.next_delay(), Duration::from_secs(1));
    }

    #[test]
    fn reset_returns_to_min_and_forgets_previous_delay() {
        let bounds = Arc::new(Mutex::new(Vec::new()));
        let mut backoff = Backoff::with_random(
            config(100, 10_000, JitterMode::Decorrelated),
            highest(bounds.clone()),
        );
        delays_ms(&mut backoff, 3);
        backoff.reset();
        assert_eq!(backoff.attempts(), 0);
        assert_eq!(backoff.next_delay(), Duration::from_millis(100));
        assert_eq!(bounds.lock().unwrap().last(), Some(&101));
    }

    #[test]
    fn huge_max_saturates_without_overflow() {
        for jitter in [JitterMode::None, JitterMode::Full, JitterMode::Decorrelated] {
            let mut backoff = Backoff::with_random(
                config(u64::MAX / 3, u64::MAX, jitter),
                SplitMix64::with_seed(1),
            );
            for _ in 0..200 {
                backoff.next_delay();
            }
        }
        let mut backoff = Backoff::new(config(1_000, u64::MAX, JitterMode::None));
        let delays = delays_ms(&mut backoff, 100);
        assert!(delays.windows(2).all(|pair| pair[0] <= pair[1]));
        assert_eq!(delays.last(), Some(&u64::MAX));
    }

    #[test]
    fn full_range_draw_uses_the_whole_u64() {
        let mut backoff = Backoff::with_random(
            config(u64::MAX, u64::MAX, JitterMode::Full),
            |upper: u64| {
                assert_eq!(upper, u64::MAX);
                upper - 1
            },
        );
        assert_eq!(backoff.next_delay(), Duration::from_millis(u64::MAX - 1));
    }

    #[test]
    fn huge_reset_time_saturates() {
        let mut backoff = Backoff::new(BackoffConfig {
            reset_after_ms: u64::MAX,
            ..config(1_000, 60_000, JitterMode::None)
        });
        backoff.on_connected(u64::MAX - 1);
        assert!(!backoff.on_disconnected(u64::MAX - 1));
        backoff.on_connected(u64::MAX - 1);
        assert!(backoff.on_disconnected(u64::MAX));
    }

    #[test]
    fn jitter_mode_maps_upstream_values() {
        assert_eq!(JitterMode::from_upstream(0), Some(JitterMode::Full));
        assert_eq!(JitterMode::from_upstream(1), Some(JitterMode::None));
        assert_eq!(JitterMode::from_upstream(2), Some(JitterMode::Full));
        assert_eq!(JitterMode::from_upstream(3), Some(JitterMode::Decorrelated));
        assert_eq!(JitterMode::from_upstream(4), None);
    }

    #[test]
    fn mqtt5_defaults_match_upstream() {
        let defaults = BackoffConfig::MQTT5_DEFAULT;
        assert_eq!(defaults.min_delay_ms, 1_000);
        assert_eq!(defaults.max_delay_ms, 120_000);
        assert_eq!(defaults.reset_after_ms, 30_000);
        assert_eq!(defaults.jitter, JitterMode::Full);
    }

    #[test]
    fn seeded_generator_is_reproducible_and_bounded() {
        let (mut a, mut b) = (SplitMix64::with_seed(9), SplitMix64::with_seed(9));
        for upper in 1..1_000 {
            let value = a.below(upper);
            assert_eq!(value, b.below(upper));
            assert!(value < upper);
        }
    }
}
