//! Every limit on what a caller may send or ask for, in one place: the
//! validators, the gRPC handlers and the docs all read them from here.

/// Longest statement id, in bytes.
pub const MAX_ID_BYTES: usize = 128;
/// Longest statement `text` or `context`, in bytes.
pub const MAX_STATEMENT_TEXT_BYTES: usize = 16 * 1024;
/// Most topics one statement may carry.
pub const MAX_TOPICS: usize = 64;
/// Most fact-checkers' reviews one statement may carry.
pub const MAX_REVIEWS: usize = 32;
/// Longest attribution field (name, title, url, ...), topic or filter value,
/// in bytes.
pub const MAX_FIELD_BYTES: usize = 2048;
/// Longest BCP-47 language tag, in bytes (RFC 5646 allows 35 for the
/// longest registered forms).
pub const MAX_LANGUAGE_BYTES: usize = 35;
/// Longest claim, in characters.
pub const MAX_CLAIM_CHARS: usize = 4096;
/// Most matches one check may ask for.
pub const MAX_MATCHES: usize = 50;
/// Most values one check filter list may hold.
pub const MAX_FILTER_VALUES: usize = 100;
/// Largest page a listing returns; larger requests are clamped to it.
pub const MAX_PAGE_SIZE: usize = 1000;
/// Most stored statements one `ListStatements` call examines: a filter that
/// matches few statements answers a short (even empty) page with a token
/// to go on, rather than scanning the whole store in one call.
pub const MAX_LIST_SCAN: usize = 10_000;
/// Page size when a listing request gives none.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// Most statements one `ImportStatements` stream message may carry.
pub const MAX_IMPORT_BATCH: usize = 1000;
/// Most ClaimReview records one `ImportClaimReviews` request may carry.
pub const MAX_CLAIM_REVIEW_RECORDS: usize = 1000;
/// Most paths one UpdateStatement mask may name (18 fields can change).
pub const MAX_MASK_PATHS: usize = 64;
/// Most rejected records listed in one import response.
pub const MAX_IMPORT_ERRORS_LISTED: usize = 1000;

/// Largest CheckClaim request decoded: a valid one needs at most the claim
/// text (4,096 characters, 16 KiB in UTF-8), a claimant and a language, and
/// three filter lists of 100 values of 2 KiB (600 KiB): 1 MiB covers it with
/// room for framing. Anything larger is refused before it is decoded, so a
/// request stuffed with output-only fields (`claim.analysis`) cannot make
/// the server allocate for it.
pub const MAX_CHECK_REQUEST_BYTES: usize = 1 << 20;

/// Longest article text (CheckArticle), in bytes.
pub const MAX_ARTICLE_BYTES: usize = 256 * 1024;
/// Largest CheckArticle request read: the article, an author, and options
/// as large as a CheckClaim request's.
pub const MAX_ARTICLE_REQUEST_BYTES: usize = MAX_ARTICLE_BYTES + MAX_CHECK_REQUEST_BYTES;
/// Longest transcript chunk (CheckTranscript), in bytes.
pub const MAX_CHUNK_BYTES: usize = 16 * 1024;
/// Most chunks one transcript stream may send.
pub const MAX_TRANSCRIPT_CHUNKS: usize = 50_000;
/// Most text one transcript stream may send, in bytes.
pub const MAX_TRANSCRIPT_BYTES: usize = 8 * 1024 * 1024;
/// Longest sentence of a transcript or article, in characters: a claim's
/// limit. A run of text this long without an end is refused.
pub const MAX_SENTENCE_CHARS: usize = MAX_CLAIM_CHARS;
/// Sentence events a transcript stream computes ahead of a slow reader.
pub const TRANSCRIPT_EVENTS_AHEAD: usize = 16;

/// Largest GetStatement or ListStatements request read: an id, a page
/// token and two 2 KiB filter values fit many times over.
pub const MAX_READ_REQUEST_BYTES: usize = 64 * 1024;
