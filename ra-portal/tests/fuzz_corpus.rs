//! Replays the committed corpora of the CSV and `.xlsx` import, list
//! query and batch zip fuzz targets (`fuzz/corpus/csv_import/`,
//! `fuzz/corpus/xlsx_import/`, `fuzz/corpus/list_query/`,
//! `fuzz/corpus/batch_zip/`) through their checks (`fuzz/checks/`): see
//! ca-core/tests/fuzz_corpus.rs.

#[path = "../../fuzz/checks/csv_import.rs"]
mod csv_import;
#[path = "../../fuzz/checks/list_query.rs"]
mod list_query;
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

#[test]
fn list_query_corpus() {
    replay::replay("list_query", list_query::check);
}

#[path = "../../fuzz/checks/batch_zip.rs"]
mod batch_zip;

#[test]
fn batch_zip_corpus() {
    replay::replay("batch_zip", batch_zip::check);
}
