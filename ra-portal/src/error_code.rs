//! [`ErrorCode`]: the stable machine codes of the portal's refusals
//! (`invalid_date`, `duplicate_request` …), a closed set so that every
//! code has its Vietnamese wording (`explain`) and its English one
//! ([`ErrorCode::english`]), and a test proves both exist. The strings are
//! the API's contract: they never change.

use std::fmt;

use ca_core::rule::{Rule, RULES};

/// Why the portal refused input (422) or a change (409): one variant per
/// stable code, plus the CA's own [`Rule`]s, which keep their codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An emergency action acknowledged already.
    AlreadyAcknowledged,
    /// An account disabled already.
    AlreadyDisabled,
    /// An account enabled already.
    AlreadyEnabled,
    /// A workbook that cannot be read.
    BadXlsx,
    /// A batch decided already.
    AlreadyDecided,
    /// The body could not be read.
    BadBody,
    /// A CSV file that is not CSV.
    BadCsv,
    /// A JSON body of the wrong shape.
    BadJson,
    /// A spreadsheet cell over its length limit.
    CellTooLong,
    /// A client certificate bound to another account already.
    CertificateBound,
    /// A rejection without a comment.
    CommentRequired,
    /// A CSR over its size limit.
    CsrTooLarge,
    /// A CSV column named twice.
    DuplicateColumn,
    /// A CSV row registering someone an earlier row registers.
    DuplicateInFile,
    /// A request of the same kind for the same target is waiting already.
    DuplicateRequest,
    /// A national id or tax code registered already.
    DuplicateSubscriber,
    /// A username taken already.
    DuplicateUser,
    /// A file without rows.
    EmptyFile,
    /// A field the request kind does not take.
    FieldNotAllowed,
    /// A file of a batch over its size limit.
    FileTooLarge,
    /// A decision comment over its length.
    InvalidComment,
    /// Not a date.
    InvalidDate,
    /// A department label too long or with control characters.
    InvalidDepartment,
    /// Not a request kind.
    InvalidKind,
    /// Not a number of rows per page.
    InvalidLimit,
    /// Not a page number.
    InvalidPage,
    /// Not a page size.
    InvalidPerPage,
    /// A period that ends before it starts.
    InvalidPeriod,
    /// Not a province.
    InvalidProvince,
    /// Not a role.
    InvalidRole,
    /// Not a certificate serial.
    InvalidSerial,
    /// Not a request state.
    InvalidState,
    /// Not a certificate status.
    InvalidStatus,
    /// Not a subscriber id.
    InvalidSubscriber,
    /// An archive that is no .zip.
    InvalidZip,
    /// Not a unit id.
    InvalidUnit,
    /// A username outside the allowed characters.
    InvalidUsername,
    /// A bulk job claimed by another worker.
    JobBusy,
    /// The last active administrator would be disabled or demoted.
    LastAdmin,
    /// A CSV column the import needs is missing.
    MissingColumn,
    /// A field the request needs is missing.
    MissingField,
    /// Nothing issued to download yet.
    NoCertificates,
    /// A role change that changes nothing.
    NoChange,
    /// A batch without files.
    NoFiles,
    /// A selection that matches nobody.
    NoPeople,
    /// No header line among the first lines of a sheet.
    NoHeader,
    /// An archive inside an archive.
    NestedZip,
    /// A request without a bulk job.
    NoBulkJob,
    /// A file named .xlsx that is no workbook.
    NotXlsx,
    /// A retry of a job that did not fail.
    NotFailed,
    /// A certificate not signed yet.
    NotIssued,
    /// A file that is not UTF-8.
    NotUtf8,
    /// A province given for an account that covers every province.
    ProvinceNotAllowed,
    /// An account that needs a province got none.
    ProvinceRequired,
    /// A request decided already.
    RequestDecided,
    /// A sheet over the row or column limit.
    SheetTooLarge,
    /// An archive over the entry limit.
    TooManyFiles,
    /// A selection over the batch limit.
    TooManyPeople,
    /// A file over the row limit.
    TooManyRows,
    /// An archive that unpacks beyond the total limit.
    ZipTooLarge,
    /// A compressed file that unpacks beyond the limit.
    ZipBomb,
    /// An archive entry with an absolute or `..` path.
    UnsafeFileName,
    /// A unit of another province than the one chosen.
    UnitNotInProvince,
    /// A CSV column the import does not know.
    UnknownColumn,
    /// A download format that does not exist.
    UnknownFormat,
    /// Not one of the 34 provinces.
    UnknownProvince,
    /// No unit with this id (or name) in the registry.
    UnknownUnit,
    /// A new password that breaks the password rules.
    WeakPassword,
    /// A wrong current password.
    WrongPassword,
    /// A refusal by a rule of the CA core, with the rule's own code.
    Rule(Rule),
}

/// Every code of the portal's own (the [`Rule`]s are in [`RULES`]).
pub(crate) const PORTAL_CODES: [ErrorCode; 69] = [
    ErrorCode::AlreadyAcknowledged,
    ErrorCode::AlreadyDisabled,
    ErrorCode::AlreadyEnabled,
    ErrorCode::BadXlsx,
    ErrorCode::AlreadyDecided,
    ErrorCode::BadBody,
    ErrorCode::BadCsv,
    ErrorCode::BadJson,
    ErrorCode::CellTooLong,
    ErrorCode::CertificateBound,
    ErrorCode::CommentRequired,
    ErrorCode::CsrTooLarge,
    ErrorCode::DuplicateColumn,
    ErrorCode::DuplicateInFile,
    ErrorCode::DuplicateRequest,
    ErrorCode::DuplicateSubscriber,
    ErrorCode::DuplicateUser,
    ErrorCode::EmptyFile,
    ErrorCode::FieldNotAllowed,
    ErrorCode::FileTooLarge,
    ErrorCode::InvalidComment,
    ErrorCode::InvalidDate,
    ErrorCode::InvalidDepartment,
    ErrorCode::InvalidKind,
    ErrorCode::InvalidLimit,
    ErrorCode::InvalidPage,
    ErrorCode::InvalidPerPage,
    ErrorCode::InvalidPeriod,
    ErrorCode::InvalidProvince,
    ErrorCode::InvalidRole,
    ErrorCode::InvalidSerial,
    ErrorCode::InvalidState,
    ErrorCode::InvalidStatus,
    ErrorCode::InvalidSubscriber,
    ErrorCode::InvalidZip,
    ErrorCode::InvalidUnit,
    ErrorCode::InvalidUsername,
    ErrorCode::JobBusy,
    ErrorCode::LastAdmin,
    ErrorCode::MissingColumn,
    ErrorCode::MissingField,
    ErrorCode::NoCertificates,
    ErrorCode::NoChange,
    ErrorCode::NoFiles,
    ErrorCode::NoPeople,
    ErrorCode::NoHeader,
    ErrorCode::NestedZip,
    ErrorCode::NoBulkJob,
    ErrorCode::NotXlsx,
    ErrorCode::NotFailed,
    ErrorCode::NotIssued,
    ErrorCode::NotUtf8,
    ErrorCode::ProvinceNotAllowed,
    ErrorCode::ProvinceRequired,
    ErrorCode::RequestDecided,
    ErrorCode::SheetTooLarge,
    ErrorCode::TooManyFiles,
    ErrorCode::TooManyPeople,
    ErrorCode::TooManyRows,
    ErrorCode::ZipTooLarge,
    ErrorCode::ZipBomb,
    ErrorCode::UnsafeFileName,
    ErrorCode::UnitNotInProvince,
    ErrorCode::UnknownColumn,
    ErrorCode::UnknownFormat,
    ErrorCode::UnknownProvince,
    ErrorCode::UnknownUnit,
    ErrorCode::WeakPassword,
    ErrorCode::WrongPassword,
];

impl ErrorCode {
    /// Every code: the portal's own and the CA's rules.
    pub fn all() -> impl Iterator<Item = Self> {
        PORTAL_CODES
            .into_iter()
            .chain(RULES.into_iter().map(Self::Rule))
    }

    /// The stable machine code the API answers with.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AlreadyAcknowledged => "already_acknowledged",
            Self::AlreadyDisabled => "already_disabled",
            Self::AlreadyEnabled => "already_enabled",
            Self::BadXlsx => "bad_xlsx",
            Self::AlreadyDecided => "already_decided",
            Self::BadBody => "bad_body",
            Self::BadCsv => "bad_csv",
            Self::BadJson => "bad_json",
            Self::CellTooLong => "cell_too_long",
            Self::CertificateBound => "certificate_bound",
            Self::CommentRequired => "comment_required",
            Self::CsrTooLarge => "csr_too_large",
            Self::DuplicateColumn => "duplicate_column",
            Self::DuplicateInFile => "duplicate_in_file",
            Self::DuplicateRequest => "duplicate_request",
            Self::DuplicateSubscriber => "duplicate_subscriber",
            Self::DuplicateUser => "duplicate_user",
            Self::EmptyFile => "empty_file",
            Self::FieldNotAllowed => "field_not_allowed",
            Self::FileTooLarge => "file_too_large",
            Self::InvalidComment => "invalid_comment",
            Self::InvalidDate => "invalid_date",
            Self::InvalidDepartment => "invalid_department",
            Self::InvalidKind => "invalid_kind",
            Self::InvalidLimit => "invalid_limit",
            Self::InvalidPage => "invalid_page",
            Self::InvalidPerPage => "invalid_per_page",
            Self::InvalidPeriod => "invalid_period",
            Self::InvalidProvince => "invalid_province",
            Self::InvalidRole => "invalid_role",
            Self::InvalidSerial => "invalid_serial",
            Self::InvalidState => "invalid_state",
            Self::InvalidStatus => "invalid_status",
            Self::InvalidSubscriber => "invalid_subscriber",
            Self::InvalidZip => "invalid_zip",
            Self::InvalidUnit => "invalid_unit",
            Self::InvalidUsername => "invalid_username",
            Self::JobBusy => "job_busy",
            Self::LastAdmin => "last_admin",
            Self::MissingColumn => "missing_column",
            Self::MissingField => "missing_field",
            Self::NoCertificates => "no_certificates",
            Self::NoChange => "no_change",
            Self::NoFiles => "no_files",
            Self::NoPeople => "no_people",
            Self::NoHeader => "no_header",
            Self::NestedZip => "nested_zip",
            Self::NoBulkJob => "no_bulk_job",
            Self::NotXlsx => "not_xlsx",
            Self::NotFailed => "not_failed",
            Self::NotIssued => "not_issued",
            Self::NotUtf8 => "not_utf8",
            Self::ProvinceNotAllowed => "province_not_allowed",
            Self::ProvinceRequired => "province_required",
            Self::RequestDecided => "request_decided",
            Self::SheetTooLarge => "sheet_too_large",
            Self::TooManyFiles => "too_many_files",
            Self::TooManyPeople => "too_many_people",
            Self::TooManyRows => "too_many_rows",
            Self::ZipTooLarge => "zip_too_large",
            Self::ZipBomb => "zip_bomb",
            Self::UnsafeFileName => "unsafe_file_name",
            Self::UnitNotInProvince => "unit_not_in_province",
            Self::UnknownColumn => "unknown_column",
            Self::UnknownFormat => "unknown_format",
            Self::UnknownProvince => "unknown_province",
            Self::UnknownUnit => "unknown_unit",
            Self::WeakPassword => "weak_password",
            Self::WrongPassword => "wrong_password",
            Self::Rule(rule) => rule.code(),
        }
    }

    /// What the code means, in English, for the English pages (the API's
    /// own message follows it with the details).
    pub fn english(self) -> &'static str {
        match self {
            Self::AlreadyAcknowledged => "This emergency action has been acknowledged already.",
            Self::AlreadyDisabled => "This account is disabled already.",
            Self::AlreadyEnabled => "This account is active already.",
            Self::BadXlsx => "The file is not a valid Excel workbook (.xlsx).",
            Self::AlreadyDecided => "This batch has been decided already.",
            Self::BadBody => "The request body could not be read.",
            Self::BadCsv => "The file is not valid CSV.",
            Self::BadJson => "The request is not the JSON expected.",
            Self::CellTooLong => "A cell of the sheet is too long.",
            Self::CertificateBound => "This certificate is bound to an account already.",
            Self::CommentRequired => "A rejection must say why.",
            Self::CsrTooLarge => "The CSR is too large (at most 64 KiB).",
            Self::DuplicateColumn => "A column appears twice in the file.",
            Self::DuplicateInFile => "This person appears twice in the file.",
            Self::DuplicateRequest => "A request of this kind is waiting for a decision already.",
            Self::DuplicateSubscriber => "This national id or tax code is registered already.",
            Self::DuplicateUser => "This username is taken.",
            Self::EmptyFile => "The file has no rows.",
            Self::FieldNotAllowed => "This field does not apply to this kind of request.",
            Self::FileTooLarge => "A file is larger than 64 KiB unpacked: it is no CSR.",
            Self::InvalidComment => "The comment is too long (at most 2000 characters).",
            Self::InvalidDate => "The date is not valid (YYYY-MM-DD).",
            Self::InvalidDepartment => "The department label is not valid.",
            Self::InvalidKind => "Unknown kind of request.",
            Self::InvalidLimit => "The number of rows per page is not valid.",
            Self::InvalidPage => "The page number is not valid.",
            Self::InvalidPerPage => "The number of rows per page is not valid.",
            Self::InvalidPeriod => "The period ends before it starts.",
            Self::InvalidProvince => "Not one of the 34 provinces and cities.",
            Self::InvalidRole => "Unknown role.",
            Self::InvalidSerial => "The serial number is not valid.",
            Self::InvalidState => "Unknown request state.",
            Self::InvalidStatus => "Unknown certificate status.",
            Self::InvalidSubscriber => "The subscriber id is not valid.",
            Self::InvalidZip => "The .zip file is damaged or is not a .zip file.",
            Self::InvalidUnit => "The unit is not valid.",
            Self::InvalidUsername => "The username is not valid.",
            Self::JobBusy => "This bulk re-issue is being carried out.",
            Self::LastAdmin => "This is the last active administrator: it cannot be disabled or given another role. Make another account an administrator first.",
            Self::MissingColumn => "A required column is missing from the file.",
            Self::MissingField => "A required field is missing.",
            Self::NoCertificates => "No certificate has been issued yet.",
            Self::NoChange => "The account has this role and province already.",
            Self::NoFiles => "Choose the CSR files or one .zip file.",
            Self::NoPeople => "Nobody of the unit matches the filter.",
            Self::NoHeader => "No header line among the first lines: the header names the columns. Use the template.",
            Self::NestedZip => "The .zip holds another archive: put every CSR file in one .zip.",
            Self::NoBulkJob => "This request has no bulk re-issue.",
            Self::NotXlsx => "The file is named .xlsx but is not an Excel workbook.",
            Self::NotFailed => "Only a failed bulk re-issue can be retried.",
            Self::NotIssued => "The certificate is not signed yet.",
            Self::NotUtf8 => "The file is not UTF-8 text.",
            Self::ProvinceNotAllowed => "This role covers every province: give none.",
            Self::ProvinceRequired => "This role needs a province.",
            Self::RequestDecided => "This request has been decided already.",
            Self::SheetTooLarge => "The sheet is too large (rows or columns).",
            Self::TooManyFiles => "Too many files: at most 1000 in one batch.",
            Self::TooManyPeople => "Too many people: at most 1000 in one batch.",
            Self::TooManyRows => "The file has too many rows.",
            Self::ZipTooLarge => "The files unpack to more than 16 MiB in total.",
            Self::ZipBomb => "The file unpacks to more than the limit (an abnormal compressed file).",
            Self::UnsafeFileName => "The .zip holds a file name that is not allowed (an absolute path or “..”).",
            Self::UnitNotInProvince => "The unit is not in the province chosen.",
            Self::UnknownColumn => "The file has a column the import does not know.",
            Self::UnknownFormat => "Unknown download format.",
            Self::UnknownProvince => "Not one of the 34 provinces and cities.",
            Self::UnknownUnit => "No such unit in the registry of the province.",
            Self::WeakPassword => "The new password breaks the password rules.",
            Self::WrongPassword => "The current password is wrong.",
            Self::Rule(rule) => rule_english(rule),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Rule> for ErrorCode {
    fn from(rule: Rule) -> Self {
        Self::Rule(rule)
    }
}

/// The English lead of a CA rule's refusal.
fn rule_english(rule: Rule) -> &'static str {
    match rule {
        Rule::InvalidName => "The name cannot appear in a certificate.",
        Rule::InvalidAgencyCode => "Not an electronic agency code (000.00.00.H00).",
        Rule::InvalidParent => "The parent unit is not valid.",
        Rule::InvalidIdentity => "Not a tax code.",
        Rule::DuplicateUnit => "The province has a unit of this name already.",
        Rule::DuplicateAgencyCode => "Another unit holds this agency code.",
        Rule::InvalidUnitName => "The new unit name cannot appear in a certificate.",
        Rule::InvalidUnitChange => "Give either a new name or a unit to merge into, not both.",
        Rule::SelfMerge => "A unit cannot be merged into itself.",
        Rule::OtherProvince => "The unit merged into must be of the same province.",
        Rule::UnitNameTaken => "The province has a unit of this name already.",
        Rule::InvalidDays => "The validity is outside what the profile allows.",
        Rule::InvalidReason => "This reason does not apply to this request.",
        Rule::MissingField => "A required field is missing.",
        Rule::NotASubscriberCertificate => "Not a subscriber's certificate.",
        Rule::TokenWithoutHolder => "The token has no holder.",
        Rule::CaKey => "The key is a key of the CA itself.",
        Rule::KeyOfAnotherSubscriber => "The key is certified to another subscriber.",
        Rule::KeyAlreadyCertified => "The key has a valid certificate already: renew it.",
        Rule::UnissuableSubject => "A subscriber of the unit could no longer be certified.",
        Rule::UnknownUnit => "No such unit in the registry of the province: pick a registered unit.",
        Rule::InvalidPhone => {
            "The telephone number is not a Vietnamese number (0xxxxxxxxx or +84xxxxxxxxx)."
        }
        Rule::RenewalCannotExtend => {
            "The renewal cannot end after the certificate it renews: the issuing CA's certificate ends first."
        }
        _ => "The CA refused the request.",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_are_distinct_and_stable() {
        let portal: HashSet<&str> = PORTAL_CODES.iter().map(|c| c.as_str()).collect();
        assert_eq!(portal.len(), PORTAL_CODES.len());
        assert_eq!(ErrorCode::InvalidDate.as_str(), "invalid_date");
        assert_eq!(
            ErrorCode::Rule(Rule::DuplicateUnit).as_str(),
            "duplicate_unit"
        );
        for rule in RULES {
            assert_ne!(
                rule_english(rule),
                "The CA refused the request.",
                "{rule} has no English wording of its own"
            );
        }
    }
}
