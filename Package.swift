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
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        // Imported by name beside the SDK (which depends on them), so declared, at the SDK's versions.
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
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
            dependencies: [
                "OrchestrateCore", "OrchestrateModel", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The MCP server lives in its own target so the SDK (and swift-nio under it) never leaks into Core.
        .target(
            name: "OrchestrateMCP",
            dependencies: [
                "OrchestrateCore", "OrchestrateModel", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OrchestrateCLI",
            dependencies: [
                "OrchestrateCore", "OrchestrateModel", "OrchestrateMCP", "OrchestrateServe",
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
                "OrchestrateModel", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            exclude: ["MCP/mcp_client.py"]
        ),
    ]
)
