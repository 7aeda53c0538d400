//! Batches of issuance requests (`docs/batches.md`): an officer selects
//! the people of a unit (optionally narrowed by a name or identifier
//! filter), uploads their CSRs together (files or one `.zip`, matched by
//! file name, [`files`]), and every request is checked by the same
//! submission code as a single one (`requests::check`, the CA core's dry
//! run). A batch is all or nothing at submission: an unmatched file, a
//! person without a file or a refused person refuses the whole batch,
//! each listed, and nothing is recorded. An approver (never the
//! submitter) approves or rejects it in one decision; approval carries
//! out each request through `requests::approve`, in order, and records
//! each outcome. Certificates of a batch or of a unit change download as
//! one `.zip` ([`archive`]).

mod archive;
pub mod files;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use ca_core::store::models::SubscriberRow;
use ca_core::store::DbConnection;
use ca_core::views::certificates as cert_view;
use ca_core::Ca;

use crate::authz::{self, Action};
use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::requests::{self, Kind, RequestInput, RequestState};
use crate::schema::{batch_requests, batches, bulk_items, requests as requests_table};
use crate::user::User;

pub use archive::Archive;
pub use files::{CsrFile, FileKey};

/// Most people one batch selects.
const MAX_PEOPLE: i64 = 1000;
/// The subscribers read to select a unit's people.
const SEARCH_LIMIT: i64 = 100_000;

/// A batch as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = batches)]
pub struct BatchRow {
    /// The id.
    pub id: i64,
    /// The unit's province.
    pub province: String,
    /// The unit the people were selected from.
    pub unit_id: i64,
    /// submitted, approved (running), done, rejected.
    pub state: String,
    /// Who submitted it.
    pub submitted_by: i64,
    /// When.
    pub submitted_at: NaiveDateTime,
    /// Who decided it.
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<NaiveDateTime>,
    /// The decision's comment.
    pub comment: Option<String>,
    /// When its last request was carried out.
    pub finished_at: Option<NaiveDateTime>,
}

/// One request of a batch, with its person and outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchItem {
    /// The request.
    pub request_id: i64,
    /// The file the CSR came from.
    pub file_name: String,
    /// The person.
    pub subscriber_id: i64,
    /// Their name.
    pub name: String,
    /// Their identifier (`CCCD:…`).
    pub uid: Option<String>,
    /// The request's state.
    pub state: RequestState,
    /// The certificate issued.
    pub serial: Option<String>,
    /// Why it failed or was refused.
    pub error: Option<String>,
}

/// A batch and its requests.
#[derive(Debug, Clone)]
pub struct BatchView {
    /// The batch.
    pub batch: BatchRow,
    /// The unit's name.
    pub unit_name: String,
    /// Its requests in order.
    pub items: Vec<BatchItem>,
}

/// What a new batch is made of.
#[derive(Debug, Clone)]
pub struct NewBatch {
    /// The unit whose people are selected.
    pub unit_id: i64,
    /// Only people whose name or identifier contains this.
    pub filter: Option<String>,
    /// Validity in days (default: the profile's).
    pub days: Option<u32>,
    /// The uploaded files (several CSRs, or one `.zip`).
    pub files: Vec<CsrFile>,
}

/// Why a batch was not recorded: every problem, listed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Refusal {
    /// Files that name nobody selected (or follow no rule).
    pub unmatched_files: Vec<String>,
    /// Selected people without a file.
    pub people_without_file: Vec<Person>,
    /// Files naming a person another file names already.
    pub duplicate_files: Vec<String>,
    /// People whose request the submission checks refused.
    pub refused: Vec<Refused>,
}

/// A selected person.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Person {
    /// Subscriber id.
    pub subscriber_id: i64,
    /// Name.
    pub name: String,
    /// Identifier (`CCCD:…`).
    pub uid: Option<String>,
}

/// A person whose request was refused at submission.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Refused {
    /// The person.
    #[serde(flatten)]
    pub person: Person,
    /// Their file.
    pub file_name: String,
    /// The stable code.
    pub code: &'static str,
    /// The refusal (English).
    pub message: String,
    /// The refusal in Vietnamese, for the pages.
    #[serde(skip)]
    pub vi: String,
}

impl Refusal {
    fn is_empty(&self) -> bool {
        self.unmatched_files.is_empty()
            && self.people_without_file.is_empty()
            && self.duplicate_files.is_empty()
            && self.refused.is_empty()
    }
}

/// The people of `unit_id` (narrowed by `filter`) the user may submit
/// for, by id.
pub fn people(
    ca: &Ca,
    user: &User,
    unit_id: i64,
    filter: Option<&str>,
) -> Result<Vec<SubscriberRow>, PortalError> {
    let unit = ca.unit(unit_id)?;
    authz::authorize_object(user, Action::Submit, &unit.province, || {
        PortalError::NotFound(format!("no unit {unit_id}"))
    })?;
    let filter = filter.map(str::trim).filter(|f| !f.is_empty());
    let rows = ca.search_subscribers(&ca_core::registry::SubscriberSearch {
        province: Some(&unit.province),
        text: filter,
        limit: SEARCH_LIMIT,
    })?;
    Ok(rows
        .into_iter()
        .filter(|s| s.unit_id == Some(unit_id))
        .collect())
}

/// Makes a batch: selects the people, matches the files, checks every
/// request, and records them all in one transaction, or nothing with
/// the [`Refusal`] listing every problem.
pub fn create(
    ca: &Ca,
    user: &User,
    input: NewBatch,
) -> Result<Result<BatchView, Refusal>, PortalError> {
    let unit = ca.unit(input.unit_id)?;
    authz::authorize_object(user, Action::Submit, &unit.province, || {
        PortalError::NotFound(format!("no unit {}", unit.id))
    })?;
    // The archive first: a hostile one is refused before anything else.
    let files = files::collect(input.files)?;
    if files.is_empty() {
        return Err(PortalError::invalid(
            ErrorCode::NoFiles,
            "upload the CSR files",
        ));
    }
    let selected = people(ca, user, input.unit_id, input.filter.as_deref())?;
    if selected.is_empty() {
        return Err(PortalError::invalid(
            ErrorCode::NoPeople,
            "nobody of this unit matches the selection",
        ));
    }
    if selected.len() as i64 > MAX_PEOPLE {
        return Err(PortalError::invalid(
            ErrorCode::TooManyPeople,
            format!(
                "{} people selected; at most {MAX_PEOPLE} in one batch",
                selected.len()
            ),
        ));
    }
    let mut refusal = Refusal::default();
    let mut by_person: Vec<Option<CsrFile>> = vec![None; selected.len()];
    for f in files {
        let found = FileKey::parse(&f.name).and_then(|key| {
            selected
                .iter()
                .position(|s| key.names(s.id, s.uid.as_deref()))
        });
        match found {
            None => refusal.unmatched_files.push(f.name),
            Some(i) if by_person[i].is_some() => refusal.duplicate_files.push(f.name),
            Some(i) => by_person[i] = Some(f),
        }
    }
    let mut checked = Vec::new();
    for (s, file) in selected.iter().zip(by_person) {
        let Some(file) = file else {
            refusal.people_without_file.push(person(s));
            continue;
        };
        let request = RequestInput::Issue {
            subscriber_id: s.id,
            profile: None,
            csr: csr_pem(&file.bytes),
            token: None,
            days: input.days,
        };
        match requests::check(ca, user, &request) {
            Ok(c) => checked.push((c, file.name)),
            Err(e) => refusal.refused.push(Refused {
                person: person(s),
                file_name: file.name,
                code: e.code().1,
                message: e.to_string(),
                vi: crate::explain::vi_message(&e),
            }),
        }
    }
    if !refusal.is_empty() {
        return Ok(Err(refusal));
    }
    let id = ca.store().write(|c| -> Result<i64, PortalError> {
        let id: i64 = diesel::insert_into(batches::table)
            .values((
                batches::province.eq(&unit.province),
                batches::unit_id.eq(unit.id),
                batches::state.eq("submitted"),
                batches::submitted_by.eq(user.id),
                batches::submitted_at.eq(now()),
            ))
            .returning(batches::id)
            .get_result(c)?;
        for (position, (request, file_name)) in checked.iter().enumerate() {
            let row = requests::record(c, user, request)?;
            diesel::insert_into(batch_requests::table)
                .values((
                    batch_requests::request_id.eq(row.id),
                    batch_requests::batch_id.eq(id),
                    batch_requests::position.eq(position as i32),
                    batch_requests::file_name.eq(file_name),
                ))
                .execute(c)?;
        }
        Ok(id)
    })?;
    get(ca, user, id).map(Ok)
}

/// A batch's request as read: id, file, subscriber, state, certificate,
/// error, comment.
type ItemRow = (
    i64,
    String,
    Option<i64>,
    RequestState,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// One batch, if the user may read it.
pub fn get(ca: &Ca, user: &User, id: i64) -> Result<BatchView, PortalError> {
    let (batch, items) = ca.store().read(|c| -> Result<_, PortalError> {
        let batch = load(c, id)?;
        let items: Vec<ItemRow> = batch_requests::table
            .inner_join(requests_table::table.on(requests_table::id.eq(batch_requests::request_id)))
            .filter(batch_requests::batch_id.eq(id))
            .order(batch_requests::position.asc())
            .select((
                batch_requests::request_id,
                batch_requests::file_name,
                requests_table::subscriber_id,
                requests_table::state,
                requests_table::result_certificate_id,
                requests_table::error,
                requests_table::comment,
            ))
            .load(c)?;
        Ok((batch, items))
    })?;
    authz::authorize_object(user, Action::Read, &batch.province, || not_found(id))?;
    let unit_name = ca.unit(batch.unit_id)?.name;
    let mut out = Vec::with_capacity(items.len());
    for (request_id, file_name, subscriber_id, state, result, error, comment) in items {
        let sid = subscriber_id.unwrap_or_default();
        let s = ca.subscriber(sid)?;
        let serial = match result {
            Some(cid) => ca
                .store()
                .read(|c| -> Result<_, PortalError> { Ok(cert_view::by_id(c, cid)?) })?
                .map(|r| r.serial),
            None => None,
        };
        let error = match state {
            RequestState::Rejected if batch.state != "rejected" => comment,
            _ => error,
        };
        out.push(BatchItem {
            request_id,
            file_name,
            subscriber_id: sid,
            name: s.full_name,
            uid: s.uid,
            state,
            serial,
            error,
        });
    }
    Ok(BatchView {
        batch,
        unit_name,
        items: out,
    })
}

/// The batches in the user's scope, newest first, with their unit's
/// name and their number of requests.
pub fn list(ca: &Ca, user: &User) -> Result<Vec<(BatchRow, String, i64)>, PortalError> {
    let rows: Vec<BatchRow> = ca.store().read(|c| -> Result<_, PortalError> {
        let mut q = batches::table
            .select(BatchRow::as_select())
            .order(batches::id.desc())
            .limit(500)
            .into_boxed();
        if let Some(p) = authz::scope(user) {
            q = q.filter(batches::province.eq(p.to_owned()));
        }
        Ok(q.load(c)?)
    })?;
    let mut out = Vec::with_capacity(rows.len());
    for b in rows {
        let unit = ca.unit(b.unit_id)?.name;
        let count: i64 = ca.store().read(|c| -> Result<_, PortalError> {
            Ok(batch_requests::table
                .filter(batch_requests::batch_id.eq(b.id))
                .count()
                .get_result(c)?)
        })?;
        out.push((b, unit, count));
    }
    Ok(out)
}

/// Approves a submitted batch and carries out its requests in order,
/// each through `requests::approve` (the CA's checks again, then the
/// operation). A request the CA refuses at approval is rejected with the
/// refusal as its comment; the others go on. Never by its submitter.
pub fn approve(
    ca: &Ca,
    user: &User,
    id: i64,
    comment: Option<&str>,
) -> Result<BatchView, PortalError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let ids = decide(ca, user, id, "approved", comment)?;
    for rid in ids {
        if let Err(e) = requests::approve(ca, user, rid, comment) {
            if e.is_internal() {
                tracing::error!(batch = id, request = rid, "batch approval: {e}");
            }
            let why = format!("refused at approval: {e}");
            let why: String = why.chars().take(2000).collect();
            if let Err(e) = requests::reject(ca.store(), user, rid, Some(&why)) {
                tracing::warn!(batch = id, request = rid, "batch approval: {e}");
            }
        }
    }
    ca.store().write(|c| -> Result<(), PortalError> {
        diesel::update(batches::table.find(id))
            .set((batches::state.eq("done"), batches::finished_at.eq(now())))
            .execute(c)?;
        Ok(())
    })?;
    get(ca, user, id)
}

/// Rejects a submitted batch and every request in it; the comment is
/// required.
pub fn reject(
    ca: &Ca,
    user: &User,
    id: i64,
    comment: Option<&str>,
) -> Result<BatchView, PortalError> {
    let comment = requests::rejection_comment(comment)?;
    let ids = decide(ca, user, id, "rejected", Some(comment))?;
    for rid in ids {
        requests::reject(ca.store(), user, rid, Some(comment))?;
    }
    ca.store().write(|c| -> Result<(), PortalError> {
        diesel::update(batches::table.find(id))
            .set(batches::finished_at.eq(now()))
            .execute(c)?;
        Ok(())
    })?;
    get(ca, user, id)
}

/// The certificates of a batch as one `.zip`.
pub fn certificates_zip(ca: &Ca, user: &User, id: i64) -> Result<Vec<u8>, PortalError> {
    let view = get(ca, user, id)?;
    let ids: Vec<i64> = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(batch_requests::table
            .inner_join(requests_table::table.on(requests_table::id.eq(batch_requests::request_id)))
            .filter(batch_requests::batch_id.eq(view.batch.id))
            .filter(requests_table::result_certificate_id.is_not_null())
            .order(batch_requests::position.asc())
            .select(requests_table::result_certificate_id.assume_not_null())
            .load(c)?)
    })?;
    zip_of(ca, user, &ids, &format!("batch {id}"))
}

/// The certificates a unit change's bulk re-issue made, as one `.zip`.
pub fn unit_change_zip(ca: &Ca, user: &User, request_id: i64) -> Result<Vec<u8>, PortalError> {
    let row = requests::get(ca.store(), user, request_id)?;
    if row.kind != Kind::UnitChange {
        return Err(PortalError::NotFound(format!(
            "request {request_id} is not a unit change"
        )));
    }
    let ids: Vec<i64> = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(bulk_items::table
            .filter(bulk_items::request_id.eq(request_id))
            .filter(bulk_items::new_certificate_id.is_not_null())
            .order(bulk_items::id.asc())
            .select(bulk_items::new_certificate_id.assume_not_null())
            .load(c)?)
    })?;
    zip_of(ca, user, &ids, &format!("unit change {request_id}"))
}

fn zip_of(ca: &Ca, user: &User, ids: &[i64], what: &str) -> Result<Vec<u8>, PortalError> {
    if ids.is_empty() {
        return Err(PortalError::conflict(
            ErrorCode::NoCertificates,
            format!("{what} has no certificate issued yet"),
        ));
    }
    let mut archive = Archive::default();
    for &id in ids {
        let row = ca
            .store()
            .read(|c| -> Result<_, PortalError> { Ok(cert_view::by_id(c, id)?) })?
            .ok_or_else(|| PortalError::NotFound(format!("no certificate {id}")))?;
        let Some(sid) = row.subscriber_id else {
            continue;
        };
        let s = ca.subscriber(sid)?;
        authz::authorize_object(user, Action::Read, &s.province, || {
            PortalError::NotFound(format!("no certificate {id}"))
        })?;
        archive.add(ca, &row, &s)?;
    }
    archive.finish()
}

/// Marks a submitted batch decided (`approved` or `rejected`) in one
/// transaction, refused when it was decided already or by its submitter;
/// returns its requests' ids in order.
fn decide(
    ca: &Ca,
    user: &User,
    id: i64,
    state: &str,
    comment: Option<&str>,
) -> Result<Vec<i64>, PortalError> {
    ca.store().write(|c| -> Result<Vec<i64>, PortalError> {
        let batch = load(c, id)?;
        authz::authorize_object(user, Action::Decide, &batch.province, || not_found(id))?;
        if batch.submitted_by == user.id {
            return Err(PortalError::OwnRequest);
        }
        if batch.state != "submitted" {
            return Err(PortalError::conflict(
                ErrorCode::AlreadyDecided,
                format!("batch {id} is {} already", batch.state),
            ));
        }
        diesel::update(batches::table.find(id))
            .set((
                batches::state.eq(state),
                batches::decided_by.eq(user.id),
                batches::decided_at.eq(now()),
                batches::comment.eq(comment),
            ))
            .execute(c)?;
        Ok(batch_requests::table
            .filter(batch_requests::batch_id.eq(id))
            .order(batch_requests::position.asc())
            .select(batch_requests::request_id)
            .load(c)?)
    })
}

fn load(c: &mut DbConnection, id: i64) -> Result<BatchRow, PortalError> {
    batches::table
        .find(id)
        .select(BatchRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: i64) -> PortalError {
    PortalError::NotFound(format!("no batch {id}"))
}

fn person(s: &SubscriberRow) -> Person {
    Person {
        subscriber_id: s.id,
        name: s.full_name.clone(),
        uid: s.uid.clone(),
    }
}

/// A CSR file as PEM text: PEM as it is, DER wrapped.
fn csr_pem(bytes: &[u8]) -> String {
    use base64::Engine;
    let text = String::from_utf8_lossy(bytes);
    if text.contains("-----BEGIN") {
        return text.into_owned();
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut pem = String::from("-----BEGIN CERTIFICATE REQUEST-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE REQUEST-----\n");
    pem
}
