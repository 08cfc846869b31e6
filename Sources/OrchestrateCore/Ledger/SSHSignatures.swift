import Foundation

/// Signing and verifying ledger events with SSH keys, exactly as git signs commits with
/// `gpg.format=ssh`: `ssh-keygen -Y sign` with `user.signingKey`, `ssh-keygen -Y verify`
/// against `gpg.ssh.allowedSignersFile`, in a namespace of our own so that a signature made
/// for a commit or an e-mail can never pass as an approval (docs/security.md says why
/// ssh-keygen rather than an in-process implementation).
struct SSHSignatures {
    let environment: [String: String]

    /// Signs `payload` with the key at `keyPath` (a private key, or a public key whose private
    /// half is in ssh-agent, as git allows). Returns the armored signature.
    func sign(_ payload: Data, keyPath: String) throws -> String {
        let result = try ToolProcess.run(
            ["ssh-keygen", "-q", "-Y", "sign", "-f", keyPath, "-n", Ledger.namespace], environment: environment, input: payload)
        guard result.succeeded, result.stdout.contains("BEGIN SSH SIGNATURE") else {
            throw OrchestrateError.failed(
                "could not sign the approval with user.signingKey \(keyPath) (\(result.firstError)); check the key (or ssh-agent) and try again")
        }
        return result.stdout
    }

    /// Whether `signature` is a valid signature of `payload` by a key that `allowedSigners`
    /// lists for `principal` (an e-mail address, as git's allowed signers files use).
    func verify(_ payload: Data, signature: String, principal: String, allowedSigners: String) -> Bool {
        guard !principal.isEmpty, FileManager.default.isReadableFile(atPath: allowedSigners) else { return false }
        let sigPath = NSTemporaryDirectory() + "orchestrate-sig-\(getpid())-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: sigPath, contents: Data(signature.utf8)) else { return false }
        defer { unlink(sigPath) }
        let result = try? ToolProcess.run(
            ["ssh-keygen", "-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", Ledger.namespace, "-s", sigPath],
            environment: environment, input: payload)
        return result?.succeeded == true
    }

    /// The principals `allowedSigners` lists for the key that made `signature` of `payload`
    /// (empty when none, or when it does not verify).
    func principals(of payload: Data, signature: String, allowedSigners: String) -> [String] {
        guard FileManager.default.isReadableFile(atPath: allowedSigners) else { return [] }
        let sigPath = NSTemporaryDirectory() + "orchestrate-sig-\(getpid())-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: sigPath, contents: Data(signature.utf8)) else { return [] }
        defer { unlink(sigPath) }
        guard let found = try? ToolProcess.run(
            ["ssh-keygen", "-Y", "find-principals", "-f", allowedSigners, "-s", sigPath], environment: environment),
            found.succeeded
        else { return [] }
        return found.stdout.split(separator: "\n").map(String.init).filter {
            verify(payload, signature: signature, principal: $0, allowedSigners: allowedSigners)
        }
    }
}

/// git's signing configuration, read with git itself so that every source of configuration
/// counts as it does for `git commit -S` (environment, `-c`, includes, global and system files).
struct SigningConfig {
    /// `user.signingKey`, expanded to a file path (a `key::` literal is written to a file).
    var keyPath: String?
    /// `gpg.ssh.allowedSignersFile`, absolute.
    var allowedSigners: String?
    /// `gpg.format`.
    var format: String?

    static func read(repositoryDir: String, environment: [String: String]) throws -> SigningConfig {
        func get(_ key: String, pathType: Bool = false) throws -> String? {
            let args = ["git", "config"] + (pathType ? ["--type=path"] : []) + ["--get", key]
            let result = try ToolProcess.run(args, in: repositoryDir, environment: environment)
            let value = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return result.succeeded && !value.isEmpty ? value : nil
        }
        var config = SigningConfig(
            keyPath: try get("user.signingKey"), allowedSigners: try get("gpg.ssh.allowedSignersFile", pathType: true),
            format: try get("gpg.format"))
        if let key = config.keyPath {
            if key.hasPrefix("key::") || key.hasPrefix("ssh-") {
                let literal = key.hasPrefix("key::") ? String(key.dropFirst(5)) : key
                let path = NSTemporaryDirectory() + "orchestrate-signingkey-\(getpid()).pub"
                FileManager.default.createFile(atPath: path, contents: Data((literal + "\n").utf8))
                config.keyPath = path
            } else if key.hasPrefix("~/") {
                config.keyPath = (environment["HOME"] ?? NSHomeDirectory()) + String(key.dropFirst())
            } else if !key.hasPrefix("/") {
                config.keyPath = repositoryDir + "/" + key
            }
        }
        if let allowed = config.allowedSigners, !allowed.hasPrefix("/") {
            config.allowedSigners = repositoryDir + "/" + allowed
        }
        return config
    }

    /// Whether approvals can be signed: an SSH signing key is configured.
    var canSign: Bool { keyPath != nil && format == "ssh" }
}
