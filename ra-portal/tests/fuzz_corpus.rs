//! Replays the committed corpus of the CSV import fuzz target
//! (`fuzz/corpus/csv_import/`) through its check (`fuzz/checks/`): see
//! ca-core/tests/fuzz_corpus.rs.

#[path = "../../fuzz/checks/csv_import.rs"]
mod csv_import;
#[path = "../../fuzz/corpus_replay.rs"]
mod replay;

#[test]
fn csv_import_corpus() {
    replay::replay("csv_import", csv_import::check);
}
