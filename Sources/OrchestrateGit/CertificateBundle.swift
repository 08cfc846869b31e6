/// Debian's libgit2 is built with mbedTLS and a compiled-in CA bundle, which
/// `git_libgit2_init` parses in full in every process: 52 M of the 80 M instructions of a
/// commit hook, half of every command's start-up (docs/performance.md). No libgit2 option
/// turns that off. git-orchestrate never talks to a remote through libgit2 (no fetch, no
/// push, no clone: the git CLI does those), so the bundle is never used.
///
/// This definition takes the place of mbedTLS's own for this process: the executable's
/// exported symbols come first when the dynamic linker binds libgit2's call. It loads
/// nothing and reports success; should a TLS connection ever be made through libgit2, it
/// would have no trusted certificate and fail verification (closed, never open).
/// Remove this file if git-orchestrate ever needs HTTPS through libgit2.
@_cdecl("mbedtls_x509_crt_parse_file")
public func orchestrateSkipCertificateBundle(_ chain: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    0
}
