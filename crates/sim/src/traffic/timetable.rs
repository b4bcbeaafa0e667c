//! The peak-season timetable: which ferries berth where and when, how full, and how it is
//! fitted to the number of searches asked for.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::{Duration, OffsetDateTime, Time, UtcOffset, Weekday};

use super::{rng_for, Sailing, TrafficConfig, NEPTUNE_PORTS, TIMETABLE_TAG};

/// Screenings a day across the seven ports at the season's real volume: Neptune II ran more
/// than 1.2 million searches in 47 days.
const SCREENINGS_PER_DAY: f64 = 1_200_000.0 / 47.0;

/// Below this many screenings a ferry on average, the timetable is thinned rather than the
/// ferries emptied further.
const MIN_PER_SAILING: u64 = 6;

/// A route into a port: where ferries come from, its share of the port's sailings, and the
/// passengers a ferry of the route carries (fast ferries across the Strait are smaller than
/// the overnight ships from Genoa or Marseille).
struct Route {
    from: &'static str,
    weight: u32,
    passengers: (u32, u32),
}

const fn route(from: &'static str, weight: u32, min: u32, max: u32) -> Route {
    Route {
        from,
        weight,
        passengers: (min, max),
    }
}

/// Each port's routes and its summer offset from UTC, in [`NEPTUNE_PORTS`] order.
const SCHEDULES: [(&[Route], i8); 7] = [
    (
        &[
            route("Algeciras", 70, 450, 1200),
            route("Barcelona", 8, 900, 1500),
            route("Sète", 8, 900, 1500),
            route("Genoa", 7, 1000, 1500),
            route("Marseille", 7, 900, 1400),
        ],
        1,
    ),
    (
        &[
            route("Tanger Med", 80, 450, 1200),
            route("Ceuta", 20, 300, 900),
        ],
        2,
    ),
    (
        &[
            route("Nador", 50, 800, 1400),
            route("Melilla", 25, 500, 1000),
            route("Oran", 15, 800, 1300),
            route("Ghazaouet", 10, 600, 1000),
        ],
        2,
    ),
    (
        &[
            route("Algiers", 35, 1000, 1500),
            route("Tunis", 30, 1000, 1500),
            route("Oran", 15, 900, 1400),
            route("Béjaïa", 10, 800, 1300),
            route("Skikda", 10, 800, 1300),
        ],
        2,
    ),
    (
        &[
            route("Tunis", 55, 1000, 1500),
            route("Tanger Med", 30, 1000, 1500),
            route("Nador", 15, 900, 1400),
        ],
        2,
    ),
    (
        &[
            route("Genoa", 40, 1000, 1500),
            route("Marseille", 35, 1000, 1500),
            route("Palermo", 15, 600, 1100),
            route("Civitavecchia", 10, 800, 1300),
        ],
        1,
    ),
    (
        &[
            route("Marseille", 60, 1000, 1500),
            route("Alicante", 25, 800, 1300),
            route("Barcelona", 15, 900, 1400),
        ],
        1,
    ),
];

/// A sailing at the season's real volume, before it is fitted to the searches.
struct Draft {
    port: usize,
    from: &'static str,
    arrives: OffsetDateTime,
    passengers: u32,
    vehicles: u32,
    clearing: Duration,
}

impl Draft {
    fn load(&self) -> u64 {
        u64::from(self.passengers + self.vehicles)
    }
}

/// The sailings of the operation, fitted to `config.searches`, in arrival order.
pub(super) fn sailings(config: &TrafficConfig) -> Vec<Sailing> {
    if config.searches == 0 {
        return Vec::new();
    }
    let days = config.days.max(1);
    let real = SCREENINGS_PER_DAY * f64::from(days);
    // Above the season's real volume, more ferries sail rather than bigger ones.
    let density = (config.searches as f64 / real).max(1.0);
    let drafts = draft(config, days, density);
    let kept = thin(drafts, config.searches);
    fit(kept, config.searches)
}

/// The day's factor: busier Friday to Sunday, rising through the season towards August.
fn day_factor(config: &TrafficConfig, day: u32, days: u32) -> f64 {
    let date = config.start + Duration::days(i64::from(day));
    let weekday = match date.weekday() {
        Weekday::Monday | Weekday::Wednesday => 0.9,
        Weekday::Tuesday => 0.85,
        Weekday::Thursday => 1.0,
        Weekday::Friday => 1.15,
        Weekday::Saturday => 1.25,
        Weekday::Sunday => 1.1,
    };
    let season = 0.85 + 0.3 * f64::from(day) / f64::from(days.max(2) - 1);
    weekday * season
}

fn draft(config: &TrafficConfig, days: u32, density: f64) -> Vec<Draft> {
    let factors: Vec<f64> = (0..days).map(|d| day_factor(config, d, days)).collect();
    let mean = factors.iter().sum::<f64>() / f64::from(days);
    let mut out = Vec::new();
    for (day, factor) in factors.iter().enumerate() {
        for (port, (routes, _)) in SCHEDULES.iter().enumerate() {
            let mut rng = rng_for(config.seed, TIMETABLE_TAG, port as u64, day as u32);
            let share = f64::from(NEPTUNE_PORTS[port].weight) / 100.0;
            let expected = SCREENINGS_PER_DAY * share * factor / mean * density / mean_load(routes);
            // Randomised rounding keeps the expected number of ferries exact.
            let mut n = expected.floor() as u32;
            if rng.random_bool(expected.fract()) {
                n += 1;
            }
            for _ in 0..n {
                out.push(sailing(config, day as u32, port, &mut rng));
            }
        }
    }
    out.sort_by_key(|d| (d.arrives, d.port));
    out
}

/// The average screenings off one ferry into a port (passengers and about a fifth more
/// vehicles).
fn mean_load(routes: &[Route]) -> f64 {
    let total: u32 = routes.iter().map(|r| r.weight).sum();
    let passengers: f64 = routes
        .iter()
        .map(|r| f64::from(r.weight) * f64::from(r.passengers.0 + r.passengers.1) / 2.0)
        .sum::<f64>()
        / f64::from(total);
    passengers * 1.24
}

fn sailing(config: &TrafficConfig, day: u32, port: usize, rng: &mut ChaCha8Rng) -> Draft {
    let (routes, offset) = &SCHEDULES[port];
    let total: u32 = routes.iter().map(|r| r.weight).sum();
    let mut pick = rng.random_range(0..total);
    let route = routes
        .iter()
        .find(|r| {
            let hit = pick < r.weight;
            pick = pick.saturating_sub(r.weight);
            hit
        })
        .unwrap_or(&routes[0]);
    let passengers = rng.random_range(route.passengers.0..=route.passengers.1);
    let vehicles = ((f64::from(passengers) * rng.random_range(0.18..0.30)) as u32).min(400);
    // Ferries berth in a morning and an evening wave, a few at midday; timetables run in
    // five-minute steps, in port local time, between 05:00 and 22:30.
    let minutes: u16 = match rng.random_range(0..100) {
        0..=44 => rng.random_range(6 * 60..11 * 60),
        45..=59 => rng.random_range(11 * 60..17 * 60),
        _ => rng.random_range(17 * 60..22 * 60 + 30),
    } / 5
        * 5;
    let local =
        Time::from_hms((minutes / 60) as u8, (minutes % 60) as u8, 0).unwrap_or(Time::MIDNIGHT);
    let date = config.start + Duration::days(i64::from(day));
    let zone = UtcOffset::from_hms(*offset, 0, 0).unwrap_or(UtcOffset::UTC);
    let arrives = date
        .with_time(local)
        .assume_offset(zone)
        .to_offset(UtcOffset::UTC);
    // A big ferry (1,500 passengers, 400 vehicles) is cleared in about 45 minutes.
    let load = f64::from(passengers + vehicles);
    let clearing = Duration::seconds((15.0 * 60.0 + 30.0 * 60.0 * load / 1900.0) as i64);
    Draft {
        port,
        from: route.from,
        arrives,
        passengers,
        vehicles,
        clearing,
    }
}

/// Keeps about `searches / MIN_PER_SAILING` ferries when there are more, evenly spread over
/// each port's season and in proportion to the ports' loads, at least one per port.
fn thin(drafts: Vec<Draft>, searches: u64) -> Vec<Draft> {
    let wanted = searches.div_ceil(MIN_PER_SAILING);
    if drafts.len() as u64 <= wanted {
        return drafts;
    }
    let total: u64 = drafts.iter().map(Draft::load).sum();
    let mut keep = vec![false; drafts.len()];
    for port in 0..NEPTUNE_PORTS.len() {
        let at_port: Vec<usize> = (0..drafts.len())
            .filter(|&i| drafts[i].port == port)
            .collect();
        if at_port.is_empty() {
            continue;
        }
        let load: u64 = at_port.iter().map(|&i| drafts[i].load()).sum();
        let quota = (wanted * load / total.max(1)).clamp(1, at_port.len() as u64);
        for j in 0..quota {
            let pick = ((2 * j + 1) * at_port.len() as u64 / (2 * quota)) as usize;
            keep[at_port[pick]] = true;
        }
    }
    drafts
        .into_iter()
        .zip(keep)
        .filter_map(|(d, k)| k.then_some(d))
        .collect()
}

/// Shares `searches` among the ferries in proportion to their loads (cumulative rounding:
/// the shares total exactly `searches`), splits each share between passengers and vehicles
/// as the ferry's load is split, and drops ferries left empty.
fn fit(drafts: Vec<Draft>, searches: u64) -> Vec<Sailing> {
    let total = u128::from(drafts.iter().map(Draft::load).sum::<u64>().max(1));
    let (mut cumulative, mut assigned) = (0u128, 0u64);
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        cumulative += u128::from(d.load());
        let upto = ((cumulative * u128::from(searches) + total / 2) / total) as u64;
        let n = upto - assigned;
        assigned = upto;
        if n == 0 {
            continue;
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let vehicles = ((u64::from(n) * u64::from(d.vehicles) + d.load() / 2) / d.load()) as u32;
        out.push(Sailing {
            port: d.port,
            from: d.from,
            arrives: d.arrives,
            passengers: n - vehicles,
            vehicles,
            clearing: d.clearing,
        });
    }
    out
}
