//! A seeded population: thousands of realistic users for tests and benchmarks at the size
//! where bulk workflows and their guards matter.

use cfzt_models::User;

use crate::server::FakeServer;

const FIRST: &[&str] = &[
    "Jane",
    "Richard",
    "Alice",
    "Bob",
    "Carla",
    "Dmitri",
    "Élodie",
    "Fatima",
    "Gülşen",
    "Hiroshi",
    "Ines",
    "José",
    "Kwame",
    "Lena",
    "Mohammed",
    "Nadia",
    "Oisín",
    "Priya",
    "Quentin",
    "Rosa",
    "Siobhán",
    "Tomasz",
    "Uma",
    "Viktor",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Anne-Marie",
    "Jean-Luc",
];
const LAST: &[&str] = &[
    "Doe",
    "Roe",
    "Smith",
    "Jones",
    "Garcia",
    "Ivanov",
    "Dubois",
    "Khan",
    "Yılmaz",
    "Tanaka",
    "Ferreira",
    "Núñez",
    "Mensah",
    "Schmidt",
    "Haddad",
    "Petrova",
    "O'Brien",
    "Patel",
    "Lefèvre",
    "Rossi",
    "Ní Bhriain",
    "Kowalski",
    "Iyer",
    "Novák",
    "Zhang",
    "López",
    "Demir",
    "Müller",
    "van der Berg",
    "MacDonald",
];

/// A seeded generator of users: the same seed and size give the same users (ids, emails,
/// names, seats and the shape of their logins), so a test or benchmark is reproducible.
///
/// Each user `i` (from 0) has the email `first.last.i@domain` (ASCII letters only; names
/// keep their accents, apostrophes and spaces), an Access seat with probability 70% and
/// a Gateway seat with 40% (a `seat_uid` always), was created 1 to 730 days before now,
/// and last logged in at a random time since then; 15% never logged in. Times are
/// relative to the moment of generation, so "inactive for 90 days" keeps its meaning.
/// No sessions, identities or failed logins are generated.
///
/// ```
/// use cfzt_fake_server::Population;
/// let users = Population::new(1000).seed(7).users();
/// assert_eq!(users.len(), 1000);
/// assert_eq!(users[0].email, Population::new(5).seed(7).users()[0].email);
/// assert!(users.iter().any(|u| u.last_successful_login.is_none()));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    /// How many users.
    pub size: usize,
    /// The seed (default 1).
    pub seed: u64,
    /// The emails' domain (default `example.com`).
    pub domain: String,
}

impl Population {
    /// `size` users from seed 1 at `example.com`.
    pub fn new(size: usize) -> Self {
        Self { size, seed: 1, domain: "example.com".into() }
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the emails' domain.
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = domain.into();
        self
    }

    /// The users, in order.
    pub fn users(&self) -> Vec<User> {
        let mut rng = fastrand::Rng::with_seed(self.seed);
        let now = chrono::Utc::now();
        let uuid = |rng: &mut fastrand::Rng| uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes()).into_uuid();
        (0..self.size)
            .map(|i| {
                let (first, last) = (FIRST[rng.usize(..FIRST.len())], LAST[rng.usize(..LAST.len())]);
                let ascii = |s: &str| s.chars().filter(char::is_ascii_alphabetic).collect::<String>().to_lowercase();
                let created = now - chrono::Duration::seconds(rng.i64(86_400..730 * 86_400));
                let mut user = User::default();
                user.id = Some(uuid(&mut rng).to_string());
                user.email = Some(format!("{}.{}.{i}@{}", ascii(first), ascii(last), self.domain));
                user.name = Some(format!("{first} {last}"));
                user.access_seat = Some(rng.u8(..100) < 70);
                user.gateway_seat = Some(rng.u8(..100) < 40);
                user.seat_uid = Some(uuid(&mut rng).simple().to_string());
                user.uid = Some(uuid(&mut rng).to_string());
                user.active_device_count = Some(rng.u64(..3));
                user.created_at = Some(created);
                let span = (now - created).num_seconds().max(1);
                user.last_successful_login =
                    (rng.u8(..100) >= 15).then(|| created + chrono::Duration::seconds(rng.i64(0..span)));
                user.updated_at = user.last_successful_login.or(Some(created));
                user
            })
            .collect()
    }
}

impl FakeServer {
    /// Adds a [`Population`] to `account` (after its users) and returns the users added;
    /// one whose email is taken already is left out.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use cfzt_fake_server::{DEMO_ACCOUNT_ID, FakeServer, Population};
    /// let server = FakeServer::builder().empty().start().await?;
    /// let added = server.populate(&DEMO_ACCOUNT_ID.parse().unwrap(), &Population::new(5000).seed(42));
    /// assert_eq!(added.len(), 5000);
    /// # Ok(()) }
    /// ```
    pub fn populate(&self, account: &cfzt_models::AccountId, population: &Population) -> Vec<User> {
        let mut store = self.shared.store();
        population.users().into_iter().filter(|u| store.insert(account.as_str(), u.clone()).is_ok()).collect()
    }
}
