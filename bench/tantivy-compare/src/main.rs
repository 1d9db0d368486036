//! factdesk's CheckThat! retrieval benchmark run on tantivy, for comparison.
//!
//! As `factdesk eval --context off`: MAP@5, R@100 and in-process latency
//! per query on one thread, for each query file.
//!
//! Usage: `tantivy-compare --statements FILE.jsonl... --queries SPLIT.queries.tsv...`
//! (`SPLIT.qrels.tsv` beside each query file). See README.md.

mod tweet;

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// factdesk's BM25F field weights (src/index/mod.rs `FIELD_WEIGHTS`), as
/// tantivy field boosts.
const BOOSTS: [(&str, f32); 3] = [("text", 1.0), ("context", 0.5), ("title", 0.8)];
/// Tokenizer of every searched field: tantivy's simple tokenizer, tokens
/// over 40 bytes dropped, lower-cased, Snowball English stems.
const TOKENIZER: &str = "en_stem";
/// Indexing budget of the one writer thread.
const WRITER_HEAP: usize = 512 << 20;
/// Ranking depths timed: the check's 5 matches, and the 100 of factdesk's R@100.
const LIMITS: [usize; 2] = [5, 100];

/// The statement fields indexed (factdesk's import format).
#[derive(Deserialize)]
struct Statement {
    id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    context: String,
    #[serde(default)]
    attribution: Option<Attribution>,
}

#[derive(Deserialize)]
struct Attribution {
    #[serde(default)]
    source: Option<Source>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(default)]
    title: String,
}

/// One query: the tweet as sent, and the statements that match it.
struct EvalQuery {
    tweet: String,
    relevant: HashSet<String>,
}

/// The index and what searching it needs.
struct Engine {
    index: Index,
    reader: IndexReader,
    id: Field,
    fields: Vec<(Field, f32)>,
    statements: usize,
    segments: usize,
}

/// Figures for one split and one way of reading tweets.
struct Row {
    queries: usize,
    map_at_5: f64,
    recall_at_100: f64,
    /// (p50, p99) µs per limit of [`LIMITS`].
    latency: Vec<(u64, u64)>,
}

fn main() -> Result<()> {
    let (statements, queries) = parse_args()?;
    let started = Instant::now();
    let engine = build(&statements)?;
    let build_secs = started.elapsed().as_secs_f64();
    let files: Vec<String> = statements.iter().map(|p| p.display().to_string()).collect();
    println!("{}", tantivy::version_string());
    println!(
        "corpus: {} statements ({}); index built in {build_secs:.2} s (read + parse + index + merge, \
         1 writer thread, {} segment(s), in RAM)\n",
        engine.statements,
        files.join(", "),
        engine.segments
    );
    println!("| split | tweets | queries | MAP@5 | R@100 | p50 µs (top 5) | p99 µs (top 5) | p50 µs (top 100) | p99 µs (top 100) |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let searcher = engine.reader.searcher();
    let mut analyzer = engine
        .index
        .tokenizers()
        .get(TOKENIZER)
        .ok_or("no en_stem tokenizer")?;
    for path in &queries {
        let (split, queries) = read_queries(path)?;
        for (mode, cleaned) in [("cleaned", true), ("raw", false)] {
            let row = evaluate(&engine, &searcher, &mut analyzer, &queries, cleaned)?;
            let latency: Vec<String> = row
                .latency
                .iter()
                .flat_map(|(p50, p99)| [p50.to_string(), p99.to_string()])
                .collect();
            println!(
                "| {split} | {mode} | {} | {:.4} | {:.4} | {} |",
                row.queries,
                row.map_at_5,
                row.recall_at_100,
                latency.join(" | ")
            );
        }
    }
    Ok(())
}

/// `--statements FILE... --queries FILE...`
fn parse_args() -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let usage = "usage: tantivy-compare --statements FILE.jsonl... --queries SPLIT.queries.tsv...";
    let (mut statements, mut queries) = (Vec::new(), Vec::new());
    let mut target: Option<&mut Vec<PathBuf>> = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--statements" => target = Some(&mut statements),
            "--queries" => target = Some(&mut queries),
            "-h" | "--help" => {
                println!("{usage}");
                std::process::exit(0);
            }
            _ => target
                .as_mut()
                .ok_or(format!("unexpected {arg:?}; {usage}"))?
                .push(PathBuf::from(arg)),
        }
    }
    if statements.is_empty() || queries.is_empty() {
        return Err(usage.into());
    }
    Ok((statements, queries))
}

/// Indexes the statements of `files` in RAM (one writer thread), merged
/// into one segment.
fn build(files: &[PathBuf]) -> Result<Engine> {
    let mut schema = Schema::builder();
    let id = schema.add_text_field("id", STRING | STORED);
    // Frequencies without positions: term queries need nothing more.
    let searched = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields: Vec<(Field, f32)> = BOOSTS
        .iter()
        .map(|(name, boost)| (schema.add_text_field(name, searched.clone()), *boost))
        .collect();
    let [text, context, title] = [fields[0].0, fields[1].0, fields[2].0];
    let index = Index::create_in_ram(schema.build());
    let mut writer = index.writer_with_num_threads(1, WRITER_HEAP)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut statements = 0;
    for path in files {
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (number, line) in BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let s: Statement = serde_json::from_str(&line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), number + 1))?;
            let source_title = s
                .attribution
                .and_then(|a| a.source)
                .map(|source| source.title)
                .unwrap_or_default();
            writer.add_document(doc!(
                id => s.id,
                text => s.text,
                context => s.context,
                title => source_title,
            ))?;
            statements += 1;
        }
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let segments = index.searchable_segment_ids()?.len();
    Ok(Engine {
        index,
        reader,
        id,
        fields,
        statements,
        segments,
    })
}

/// The split name and its queries that have a relevant statement, read as
/// factdesk's `eval::read_queries` does (`id<TAB>tweet`; qrels
/// `query 0 statement grade`, grade ≠ 0 relevant).
fn read_queries(path: &Path) -> Result<(String, Vec<EvalQuery>)> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let split = name.trim_end_matches(".queries.tsv").to_owned();
    let qrels = path.with_file_name(format!("{split}.qrels.tsv"));
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut relevant: HashMap<String, HashSet<String>> = HashMap::new();
    for line in read(&qrels)?.lines() {
        if let [query, _, statement, grade] = line.split_whitespace().collect::<Vec<_>>()[..] {
            if grade != "0" {
                relevant
                    .entry(query.to_owned())
                    .or_default()
                    .insert(statement.to_owned());
            }
        }
    }
    let mut queries = Vec::new();
    for line in read(path)?.lines() {
        let Some((id, tweet)) = line.split_once('\t') else {
            continue;
        };
        if let Some(relevant) = relevant.remove(id) {
            queries.push(EvalQuery {
                tweet: tweet.to_owned(),
                relevant,
            });
        }
    }
    Ok((split, queries))
}

/// Runs every query once per limit of [`LIMITS`], timing the whole path
/// from the tweet as sent to the ids of the hits.
fn evaluate(
    engine: &Engine,
    searcher: &Searcher,
    analyzer: &mut TextAnalyzer,
    queries: &[EvalQuery],
    cleaned: bool,
) -> Result<Row> {
    let (mut map_sum, mut recall_sum) = (0.0, 0.0);
    let mut latency = Vec::new();
    for limit in LIMITS {
        let mut micros = Vec::with_capacity(queries.len());
        for query in queries {
            let started = Instant::now();
            let ranked = search(engine, searcher, analyzer, &query.tweet, cleaned, limit)?;
            micros.push(started.elapsed().as_micros() as u64);
            if limit == 5 {
                map_sum += average_precision_at_5(&ranked, &query.relevant);
            } else {
                let found = ranked
                    .iter()
                    .filter(|id| query.relevant.contains(*id))
                    .count();
                recall_sum += found as f64 / query.relevant.len() as f64;
            }
        }
        latency.push(percentiles(micros));
    }
    let n = queries.len().max(1) as f64;
    Ok(Row {
        queries: queries.len(),
        map_at_5: map_sum / n,
        recall_at_100: recall_sum / n,
        latency,
    })
}

/// The ids of the best `limit` statements for `tweet`: its distinct
/// analysed terms, each a term query in every field with the field's
/// boost, all optional (OR), scored by tantivy's BM25 and summed.
fn search(
    engine: &Engine,
    searcher: &Searcher,
    analyzer: &mut TextAnalyzer,
    tweet: &str,
    cleaned: bool,
    limit: usize,
) -> Result<Vec<String>> {
    let text = if cleaned {
        tweet::clean(tweet)
    } else {
        tweet.to_owned()
    };
    let mut terms: Vec<String> = Vec::new();
    let mut stream = analyzer.token_stream(&text);
    while stream.advance() {
        let term = &stream.token().text;
        if !terms.contains(term) {
            terms.push(term.clone());
        }
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for term in &terms {
        for &(field, boost) in &engine.fields {
            let query = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), boost)),
            ));
        }
    }
    let query = BooleanQuery::new(clauses);
    let hits = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    let mut ids = Vec::with_capacity(hits.len());
    for (_, address) in hits {
        let doc: TantivyDocument = searcher.doc(address)?;
        let id = doc
            .get_first(engine.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        ids.push(id.to_owned());
    }
    Ok(ids)
}

/// AP@5 as factdesk's `eval::add_ranking`: precision at each relevant hit in
/// the top 5, over min(relevant, 5).
fn average_precision_at_5(ranked: &[String], relevant: &HashSet<String>) -> f64 {
    let (mut hits, mut sum) = (0.0, 0.0);
    for (rank, id) in ranked.iter().take(5).enumerate() {
        if relevant.contains(id) {
            hits += 1.0;
            sum += hits / (rank as f64 + 1.0);
        }
    }
    sum / relevant.len().min(5) as f64
}

/// (p50, p99) as factdesk's `eval::average`: the ⌈n·p⌉-th smallest.
fn percentiles(mut micros: Vec<u64>) -> (u64, u64) {
    micros.sort_unstable();
    let at = |p: f64| {
        let i = ((micros.len() as f64 * p).ceil() as usize).saturating_sub(1);
        micros.get(i).copied().unwrap_or(0)
    };
    (at(0.50), at(0.99))
}
