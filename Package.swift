// swift-tools-version: 6.1
import PackageDescription

// Layers are targets and the arrows point one way (docs/architecture.md):
// git-orchestrate → OrchestrateCLI → OrchestrateCore → OrchestrateGit (only importer of libgit2)
//                                                    → OrchestrateStore (only importer of GRDB)
// OrchestrateModel holds the plain value types every layer speaks. OrchestrateServe (the
// dashboard of `serve`, the only importer of Hummingbird) sits beside the CLI, on Core.
let package = Package(
    name: "git-orchestrate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "git-orchestrate", targets: ["git-orchestrate"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // sqlite3_db_config (variadic) for OrchestrateStore; GRDB links the same system SQLite.
        .systemLibrary(name: "CSQLiteTuning", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "OrchestrateModel"),
        .target(name: "OrchestrateGit", dependencies: ["CLibgit2", "OrchestrateModel"]),
        .target(
            name: "OrchestrateStore",
            dependencies: ["OrchestrateModel", "CSQLiteTuning", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "OrchestrateCore",
            dependencies: ["OrchestrateModel", "OrchestrateGit", "OrchestrateStore"]
        ),
        // The dashboard's HTTP server: the only target that imports Hummingbird (docs/dashboard.md).
        .target(
            name: "OrchestrateServe",
            dependencies: ["OrchestrateCore", "OrchestrateModel", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "OrchestrateCLI",
            dependencies: [
                "OrchestrateCore", "OrchestrateModel", "OrchestrateServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "git-orchestrate", dependencies: ["OrchestrateCLI"]),
        .target(
            name: "OrchestrateTestSupport",
            dependencies: ["OrchestrateModel"],
            path: "Tests/OrchestrateTestSupport"
        ),
        .testTarget(
            name: "OrchestrateTests",
            dependencies: [
                "OrchestrateTestSupport", "OrchestrateCore", "OrchestrateGit", "OrchestrateStore",
                "OrchestrateModel",
            ]
        ),
    ]
)
