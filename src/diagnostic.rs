//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every check produces [`Diagnostic`]s instead of returning early, so one run reports
//! every problem in the catalog. Each diagnostic has a stable [`Code`]; the codes are
//! documented with examples in `docs/diagnostics.md` and never renumbered.

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails `check` and `build`.
    Error,
    /// Reported; fails only under `--strict`.
    Warning,
}

macro_rules! codes {
    ($( $variant:ident = $id:literal, $severity:ident, $doc:literal; )*) => {
        /// A stable diagnostic code. `E…` codes are errors, `W…` codes are warnings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( #[doc = $doc] $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable identifier, e.g. `E003`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// Whether this code is an error or a warning.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A one-line description, as in `docs/diagnostics.md`.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    YamlSyntax = "E001", Error, "The file is not valid YAML.";
    WrongType = "E002", Error, "A value has the wrong type or an invalid value.";
    UnknownField = "E003", Error, "A key is not part of the catalog format.";
    DuplicateKey = "E004", Error, "A key appears twice in the same mapping (a response header's name in any case).";
    MissingField = "E005", Error, "A required key is missing.";
    ResourceLimit = "E006", Error, "The file exceeds a safety limit (size, nesting, aliases).";
    Unreadable = "E007", Error, "The file cannot be read as UTF-8 text.";
    OutsideCatalog = "E008", Error, "A symbolic link leads outside the catalog.";
    InvalidCode = "E010", Error, "An error code does not match `[a-z0-9][a-z0-9_.-]{0,63}`.";
    CodeStemMismatch = "E011", Error, "An error's `code` differs from its file name.";
    DuplicateCode = "E012", Error, "Two files define the same error code, or codes whose pages clash (`x` and `x.md`).";
    StatusOutOfRange = "E013", Error, "An error's HTTP status is not between 400 and 599.";
    UnknownGroup = "E014", Error, "An error names a group that `errdex.yaml` does not define.";
    UnknownEnvelope = "E015", Error, "A response, or `default_envelope`, names an envelope that `errdex.yaml` does not define.";
    UnknownRelated = "E016", Error, "`related` or `replaced_by` names a code that does not exist, or `replaced_by` leads back to its own error.";
    DuplicateId = "E017", Error, "Two groups, envelopes or statuses share an id.";
    InvalidBaseUrl = "E018", Error, "`base_url` is not an absolute http(s) URL.";
    NotOneLine = "E019", Error, "A one-line field (title, summary, header value) spans several lines or is empty.";
    InvalidPointer = "E020", Error, "An envelope pointer is not a valid JSON Pointer.";
    BodyNotParsed = "E021", Error, "A response body or envelope example does not parse as its media type.";
    BodyCodeMismatch = "E022", Error, "The body's code (at the envelope's `code` pointer) differs from the error's code.";
    BodyStatusMismatch = "E023", Error, "The body's status (at the `status` pointer) differs from the error's status.";
    BodyDocsUrlMismatch = "E024", Error, "The body's docs URL (at the `docs_url` pointer) is not the error's page URL.";
    BodyMessageUnknown = "E025", Error, "The body's message (at the `message` pointer) is none of the error's `messages`.";
    PointerMissing = "E026", Error, "An envelope pointer finds nothing in a response body.";
    MessageClaimedTwice = "E030", Error, "Two error codes claim messages that can be the same text.";
    InvalidTemplate = "E031", Error, "A message placeholder is malformed.";
    RawHtml = "E040", Error, "Markdown contains raw HTML, which is never passed through.";
    UnsafeLink = "E041", Error, "A Markdown link or URL uses a scheme other than http, https, mailto or tel.";
    BrokenLink = "E042", Error, "A link leads nowhere: to a page the site does not have, or an address without a scheme or behind a space.";
    InvalidStatusRow = "E043", Error, "A `statuses` row has a status outside 100–599.";
    ReservedGroupTitle = "E044", Error, "A group is titled `Optional`, the llms.txt section agents may skip.";
    StaticClash = "E045", Error, "A file in `static/` has a path errdex writes itself, or differs from another only in case or accents.";
    NotRetryable = "W001", Warning, "A 429 or 503 error is marked `retryable: false`.";
    RetryAfterNotRetryable = "W002", Warning, "`retry_after` is set on an error that is not retryable.";
    EmptySection = "W003", Warning, "A section is present but empty.";
    SummaryTooLong = "W004", Warning, "A summary is longer than 200 characters, too long for llms.txt.";
    LlmsTxtTooLong = "W005", Warning, "llms.txt is longer than 50,000 characters.";
    NoErrorFiles = "W006", Warning, "The catalog has no error files.";
    RetryActionNotRetryable = "W007", Warning, "`agent.action` is `retry` or `retry_later` on an error that is not retryable.";
    DuplicateRelated = "W008", Warning, "`related` lists the same code twice.";
    RepeatedJsonKey = "W009", Warning, "A JSON response body or envelope example has the same key twice in one object.";
    DuplicateMessage = "W010", Warning, "`messages` lists the same message twice.";
    UnclosedCodeFence = "W011", Warning, "A Markdown text opens a code block and never closes it.";
    BidiControl = "W012", Warning, "A text holds a bidirectional control character, which shows text in another order than it is written.";
    SharedSectionTitle = "W013", Warning, "Two groups share a title, or a group has the title of the errors in no group.";
    UnfinishedText = "W014", Warning, "A text is still a note to fill it in (`TODO …`), as `errdex new` writes.";
    NoEnvelopeNamed = "W015", Warning, "A response names no envelope in a catalog with several, so its body is not checked.";
    BrokenFragment = "W016", Warning, "A link's `#fragment` names no id on the error page it leads to.";
    RepeatedDefinition = "W017", Warning, "A Markdown text defines a link label twice; links use the first definition.";
    UnusedDefinition = "W018", Warning, "A Markdown text defines a link label that no link uses.";
    UndefinedReference = "W019", Warning, "A Markdown reference link names a label its text does not define, so it shows as written.";
    UncheckedMediaType = "W020", Warning, "An envelope's `media_type` is not a JSON one (or no media type at all) though it has `pointers` or looks misspelt, so its bodies are not checked.";
    ReplacedInTurn = "W021", Warning, "`replaced_by` names an error that is itself replaced, so readers are sent on twice.";
    NotAWindowsName = "W022", Warning, "An error's code is a name Windows gives no file (`con`, `nul`, `com1`, or ending in `.`), so its file and pages cannot be checked out or built there.";
    ContentTypeDisagrees = "W023", Warning, "A response example's `Content-Type` header names another media type than the one its body is read as (its envelope's `media_type`).";
    RetryableButNotRetried = "W024", Warning, "An error marked `retryable: true` tells agents to `stop` or to `fix_request`, which do not send the same request again.";
    LinkWithoutText = "W025", Warning, "A Markdown link has no text, so the page shows nothing to click and screen readers read no name for it.";
    ForeignPlaceholder = "W026", Warning, "A message marks a part that varies in another template language's style (`{{name}}`, `%s`), which errdex reads as text, so no message the API sends matches it.";
    AgentSectionHeading = "W027", Warning, "A heading in a Markdown text is named like the \"If you're an AI agent\" section errdex writes from `agent`, so an agent reads two such sections and may follow the wrong one.";
    RetryLaterWithoutWait = "W028", Warning, "`agent.action` is `retry_later`, but `retry_after` does not say how long to wait.";
}

/// A 1-based position in a source file; `column` counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem found in the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// Catalog-relative path with `/` separators, e.g. `errors/rate_limited.yaml`.
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic spanning `start..end` in `file`.
    pub fn new(
        code: Code,
        file: &str,
        start: Position,
        end: Position,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            file: file.to_owned(),
            start,
            end,
            message: message.into(),
            help: None,
        }
    }

    /// A diagnostic about a whole file (points at its first character).
    pub fn whole_file(code: Code, file: &str, message: impl Into<String>) -> Self {
        let start = Position { line: 1, column: 1 };
        Diagnostic::new(code, file, start, start, message)
    }

    /// Adds the "help:" line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The diagnostic's severity, from its code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Sort key: file, then position, then code, so output is stable.
    pub fn sort_key(&self) -> (&str, Position, Code) {
        (&self.file, self.start, self.code)
    }
}

/// A set of diagnostics collected across every stage.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Records one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Records many diagnostics.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Number of errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Whether the catalog fails: any error, or any warning when `strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.error_count() > 0 || (strict && !self.0.is_empty())
    }

    /// All diagnostics, sorted by file and position.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| a.message.cmp(&b.message))
        });
        self.0.dedup();
        self.0
    }

    /// Keeps only the diagnostics `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.0.retain(keep);
    }

    /// Whether nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
