//! The subscriber the benchmarks and seeding examples issue to: Nguyễn Văn
//! An, a civil servant of Cần Thơ (one file, included by each with
//! `#[path]`: examples, benches and the crl-publisher trust tests are separate crates).

use ca_core::registry::{SubscriberInput, SubscriberKind};

/// Nguyễn Văn An, CCCD:001089031733, Sở Khoa học và Công nghệ, Cần Thơ.
pub(crate) fn nguyen_van_an() -> SubscriberInput {
    SubscriberInput {
        kind: SubscriberKind::Individual,
        name: "Nguyễn Văn An".into(),
        national_id: Some("CCCD:001089031733".into()),
        tax_code: None,
        title: Some("Chuyên viên".into()),
        unit: Some("Sở Khoa học và Công nghệ".into()),
        organization: Some("Ủy ban nhân dân thành phố Cần Thơ".into()),
        locality: None,
        province: "Cần Thơ".into(),
        email: Some("nvan@cantho.gov.vn".into()),
        phone: None,
    }
}
