import Foundation

/// Matches paths and branch names against globs: `*` and `?` stay within one path segment,
/// `**` crosses segments (`src/**` is everything under `src/`, `**/x` is `x` at any depth),
/// `[abc]`/`[!a-z]` are character classes.
public enum Glob {
    /// Whether `text` matches `pattern` in full.
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        match(Array(pattern.unicodeScalars), 0, Array(text.unicodeScalars), 0)
    }

    /// Whether `path` is covered by `pattern`: matched in full, or lying under a folder the
    /// pattern matches (`docs` and `docs/` cover `docs/a.md`).
    public static func covers(_ pattern: String, path: String) -> Bool {
        var pattern = pattern
        while pattern.hasPrefix("./") { pattern.removeFirst(2) }
        if pattern.hasSuffix("/") { pattern.removeLast() }
        if matches(pattern, path) { return true }
        var prefix = path
        while let slash = prefix.lastIndex(of: "/") {
            prefix = String(prefix[..<slash])
            if matches(pattern, prefix) { return true }
        }
        return false
    }

    private static func match(_ p: [Unicode.Scalar], _ pi: Int, _ t: [Unicode.Scalar], _ ti: Int) -> Bool {
        var pi = pi
        var ti = ti
        while pi < p.count {
            let c = p[pi]
            if c == "*" {
                let double = pi + 1 < p.count && p[pi + 1] == "*"
                if double {
                    var next = pi + 2
                    // `**/` also matches no folder at all.
                    if next < p.count && p[next] == "/" {
                        if match(p, next + 1, t, ti) { return true }
                        next += 1
                    }
                    for k in ti...t.count where match(p, next, t, k) { return true }
                    return false
                }
                var k = ti
                while true {
                    if match(p, pi + 1, t, k) { return true }
                    if k >= t.count || t[k] == "/" { return false }
                    k += 1
                }
            }
            guard ti < t.count else { return false }
            if c == "?" {
                if t[ti] == "/" { return false }
            } else if c == "[", let (matched, end) = matchClass(p, pi + 1, t[ti]) {
                if !matched { return false }
                pi = end
            } else if c == "\\" && pi + 1 < p.count {
                pi += 1
                if p[pi] != t[ti] { return false }
            } else if c != t[ti] {
                return false
            }
            pi += 1
            ti += 1
        }
        return ti == t.count
    }

    /// Matches one character against the class starting at `start` (after `[`); returns
    /// whether it matched and the index of the closing `]`, or nil when the class is unclosed.
    private static func matchClass(_ p: [Unicode.Scalar], _ start: Int, _ ch: Unicode.Scalar) -> (Bool, Int)? {
        var i = start
        var negate = false
        if i < p.count && (p[i] == "!" || p[i] == "^") {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < p.count && (first || p[i] != "]") {
            first = false
            if i + 2 < p.count && p[i + 1] == "-" && p[i + 2] != "]" {
                if p[i].value <= ch.value && ch.value <= p[i + 2].value { matched = true }
                i += 3
            } else {
                if p[i] == ch { matched = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (matched != negate, i)
    }
}
