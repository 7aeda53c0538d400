//! Replays the committed corpora of the CSV import and batch zip fuzz targets
//! (`fuzz/corpus/csv_import/`, `fuzz/corpus/batch_zip/`) through their checks (`fuzz/checks/`): see
//! ca-core/tests/fuzz_corpus.rs.

#[path = "../../fuzz/checks/csv_import.rs"]
mod csv_import;
#[path = "../../fuzz/corpus_replay.rs"]
mod replay;

#[test]
fn csv_import_corpus() {
    replay::replay("csv_import", csv_import::check);
}

#[path = "../../fuzz/checks/batch_zip.rs"]
mod batch_zip;

#[test]
fn batch_zip_corpus() {
    replay::replay("batch_zip", batch_zip::check);
}
