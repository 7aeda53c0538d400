//! Replays the committed corpora of the CSV and `.xlsx` import fuzz
//! targets (`fuzz/corpus/csv_import/`, `fuzz/corpus/xlsx_import/`) through
//! their checks (`fuzz/checks/`): see ca-core/tests/fuzz_corpus.rs.

#[path = "../../fuzz/checks/csv_import.rs"]
mod csv_import;
#[path = "../../fuzz/corpus_replay.rs"]
mod replay;
#[path = "../../fuzz/checks/xlsx_import.rs"]
mod xlsx_import;

#[test]
fn csv_import_corpus() {
    replay::replay("csv_import", csv_import::check);
}

#[test]
fn xlsx_import_corpus() {
    replay::replay("xlsx_import", xlsx_import::check);
}
