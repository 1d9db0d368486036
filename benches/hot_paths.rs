//! criterion micro-benchmarks of the check path's hot spots: tokenising a
//! claim, retrieving candidates, and checking one claim in-process.
//!
//! `cargo bench --bench hot_paths` runs them on the 27,067 shared statements
//! when `../shared/data` is beside the checkout, else on the demo library.
//! CI only compiles them (`cargo bench --no-run`).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use factdesk::model::Claim;
use factdesk::store::Store;
use factdesk::{demo, text, Library};

const TWEET: &str = "Sen. Mitch McConnell: \"As recently as October, now-President Biden said \
                     you can't legislate by executive action unless you are a dictator. Well, \
                     in one week, he signed more than 30 unilateral actions.\"";
const DEMO_CLAIM: &str = "Alibaba Cloud hosts about half of China's generative AI start-ups";

/// The shared statements when present, else the demo library.
fn library() -> (Library, &'static str) {
    let library = Library::new(Store::temporary().expect("temporary store")).expect("library");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let files = ["snopes-statements.jsonl", "politifact-statements.jsonl"];
    if files.iter().all(|file| data.join(file).is_file()) {
        for file in files {
            factdesk::cli::import_file(&library, &data.join(file), &mut std::io::sink())
                .expect("import shared statements");
        }
        (library, TWEET)
    } else {
        demo::import(&library).expect("import demo");
        (library, DEMO_CLAIM)
    }
}

fn hot_paths(c: &mut Criterion) {
    c.bench_function("tokenise tweet", |b| b.iter(|| text::analyze(TWEET)));
    let (library, claim_text) = library();
    let claim = Claim {
        text: claim_text.to_owned(),
        ..Claim::default()
    };
    let options = factdesk::model::CheckOptions::default();
    c.bench_function("retrieve 100 candidates", |b| {
        b.iter(|| library.candidates(&claim, &options, 100));
    });
    c.bench_function("check one claim", |b| {
        b.iter(|| library.check(&claim, &options).expect("check"));
    });
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
