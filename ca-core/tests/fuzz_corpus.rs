//! Replays the committed fuzz corpus (`fuzz/corpus/TARGET/`, the inputs
//! the fuzzers found interesting) through the very checks the fuzz targets
//! run (`fuzz/checks/`), so every input that ever mattered stays a
//! regression test in CI. `bash fuzz/run.sh` fuzzes and grows the corpus.

#[path = "../../fuzz/checks/csr.rs"]
mod csr;
#[path = "../../fuzz/checks/identifiers.rs"]
mod identifiers;
#[path = "../../fuzz/checks/ocsp_request.rs"]
mod ocsp_request;
#[path = "../../fuzz/checks/ocsp_response.rs"]
mod ocsp_response;
#[path = "../../fuzz/corpus_replay.rs"]
mod replay;

#[test]
fn csr_corpus() {
    replay::replay("csr", csr::check);
}

#[test]
fn ocsp_request_corpus() {
    replay::replay("ocsp_request", ocsp_request::check);
}

#[test]
fn identifiers_corpus() {
    replay::replay("identifiers", identifiers::check);
}

#[test]
fn ocsp_response_corpus() {
    replay::replay("ocsp_response", ocsp_response::check);
}
