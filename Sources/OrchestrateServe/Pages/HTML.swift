import Foundation
import OrchestrateModel

/// Builds HTML text. Every piece of data goes through `escape` (or `text`): titles,
/// descriptions, diffs and log lines are written by agents and may hold markup.
struct HTML {
    private(set) var text = ""

    /// Escapes `&`, `<`, `>`, `"` and `'` for text and attribute values alike.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Markup written by this program (never data).
    mutating func raw(_ markup: String) { text += markup }

    /// Data, escaped.
    mutating func text(_ data: String) { text += HTML.escape(data) }

    /// `<tag attrs>escaped content</tag>`; attribute values are escaped.
    mutating func element(_ tag: String, _ content: String, _ attributes: [(String, String)] = []) {
        raw("<\(tag)\(HTML.attributes(attributes))>")
        text(content)
        raw("</\(tag)>")
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// A link to a task page.
    mutating func taskLink(_ id: String, _ label: String? = nil) {
        raw("<a href=\"/tasks/\(HTML.escape(Self.pathComponent(id)))\">")
        text(label ?? id)
        raw("</a>")
    }

    /// Task ids are `[A-Za-z0-9._-]`, so they need no percent-encoding; anything else is
    /// encoded all the same.
    static func pathComponent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? s
    }

    /// `42s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        return String(format: "%dd%02dh", s / 86400, (s % 86400) / 3600)
    }

    /// The page around `main`: navigation, the live indicator and the action result line
    /// (outside `main`, which the script replaces when the audit trail changes).
    static func page(title: String, seq: Int64, main: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · git orchestrate</title>
        <link rel="stylesheet" href="/static/app.css"><script src="/static/app.js" defer></script></head>
        <body><header><strong>git orchestrate</strong>
        <nav><a href="/">Board</a><a href="/log">Audit log</a><a href="/metrics">Metrics</a></nav>
        <span id="live" class="live">connecting…</span><span id="flash" role="status"></span></header>
        <main data-seq="\(seq)">\(main)</main></body></html>
        """
    }
}
