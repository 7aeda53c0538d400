//! `govpki subscriber …` and `govpki token …`.

use ca_core::registry::{SubscriberInput, SubscriberKind};
use ca_core::Ca;

/// Subscriber commands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum SubscriberCommand {
    /// Register a subscriber; prints the new id alone on stdout.
    Add(Box<AddSubscriber>),
    /// Show a subscriber and their certificates.
    Show {
        /// The subscriber id.
        id: i64,
    },
}

/// `subscriber add`.
#[derive(Debug, clap::Args)]
pub(super) struct AddSubscriber {
    /// individual, organization or device.
    #[arg(long)]
    kind: SubscriberKind,
    /// Full name, or the organization's name.
    #[arg(long)]
    name: String,
    /// CCCD:…, CMND:… or HC:… (individuals).
    #[arg(long)]
    national_id: Option<String>,
    /// MST:… (organizations).
    #[arg(long)]
    tax_code: Option<String>,
    /// Province or centrally-run city (current or former name).
    #[arg(long)]
    province: String,
    /// Unit (OU).
    #[arg(long)]
    unit: Option<String>,
    /// Parent agency (O).
    #[arg(long)]
    organization: Option<String>,
    /// Position.
    #[arg(long)]
    title: Option<String>,
    /// Locality (L).
    #[arg(long)]
    locality: Option<String>,
    /// Official e-mail.
    #[arg(long)]
    email: Option<String>,
    /// Phone.
    #[arg(long)]
    phone: Option<String>,
}

/// Token commands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum TokenCommand {
    /// Register a token held by a subscriber.
    Add {
        /// The token's serial number.
        #[arg(long)]
        serial: String,
        /// The holder.
        #[arg(long)]
        subscriber: i64,
        /// Model.
        #[arg(long)]
        model: Option<String>,
    },
    /// Report a token lost: revoke every certificate on it (key-compromise).
    Lost {
        /// The token's serial number.
        #[arg(long)]
        serial: String,
    },
}

pub(super) fn subscriber(ca: &Ca, cmd: SubscriberCommand, actor: &str) -> anyhow::Result<()> {
    match cmd {
        SubscriberCommand::Add(add) => {
            let AddSubscriber {
                kind,
                name,
                national_id,
                tax_code,
                province,
                unit,
                organization,
                title,
                locality,
                email,
                phone,
            } = *add;
            let registered = ca.add_subscriber(
                &SubscriberInput {
                    kind,
                    name,
                    national_id,
                    tax_code,
                    title,
                    unit,
                    organization,
                    locality,
                    province,
                    email,
                    phone,
                },
                actor,
            )?;
            if let Some(note) = registered.province_note {
                eprintln!("note: {note}");
            }
            println!("{}", registered.id);
        }
        SubscriberCommand::Show { id } => {
            let s = ca.subscriber(id)?;
            println!("id: {}", s.id);
            println!("kind: {}", s.kind);
            println!("name: {}", s.full_name);
            println!("uid: {}", s.uid.as_deref().unwrap_or("-"));
            println!("province: {}", s.province);
            for c in ca.certificates_of(id)? {
                println!(
                    "certificate: {} {} {} {} until {}",
                    c.issuer, c.serial, c.status, c.profile, c.not_after
                );
            }
        }
    }
    Ok(())
}

pub(super) fn token(ca: &Ca, cmd: TokenCommand, actor: &str) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Add {
            serial,
            subscriber,
            model,
        } => {
            ca.add_token(&serial, subscriber, model.as_deref(), actor)?;
            println!("{}", serial.trim());
        }
        TokenCommand::Lost { serial } => {
            let revoked = ca.token_lost(&serial, actor)?;
            println!(
                "token {} marked lost; {} certificate(s) revoked (key-compromise)",
                serial.trim(),
                revoked.len()
            );
            for s in revoked {
                println!("revoked {s}");
            }
        }
    }
    Ok(())
}
