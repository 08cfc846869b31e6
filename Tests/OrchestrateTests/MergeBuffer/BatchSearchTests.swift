import Foundation
@testable import OrchestrateCore
import Testing

/// The bisection's promises, for every batch size up to 40, every culprit position and 1–4
/// slots: the culprit found is the first failing task, and one culprit among n costs at most
/// ⌈log₂ n⌉ rounds after the first (each round runs at most `width` checks at once).
@Suite("batch bisection")
struct BatchSearchTests {
    /// Runs the search against a batch whose prefixes fail from `culprit` on (nil: all pass);
    /// returns (culprit found, rounds, check runs).
    static func simulate(count: Int, width: Int, culprit: Int?) -> (Int?, Int, Int) {
        var search = BatchSearch(count: count, width: width)
        var rounds = 0
        var runs = 0
        while !search.settled {
            let probes = search.probes()
            precondition(!probes.isEmpty && probes.count <= width, "a round checks something, in at most width slots")
            rounds += 1
            for prefix in probes where !search.isMoot(prefix) {
                runs += 1
                search.record(prefix, passed: culprit.map { prefix < $0 } ?? true)
            }
        }
        return (search.passing == count ? nil : search.culprit, rounds, runs)
    }

    @Test("the first failing task is found within ⌈log₂ n⌉ extra rounds; all passing takes one round")
    func bounds() {
        for width in 1...4 {
            for count in 1...40 {
                let log2 = Int(ceil(Foundation.log2(Double(count))))
                let clean = Self.simulate(count: count, width: width, culprit: nil)
                #expect(clean.0 == nil && clean.1 == 1, "n \(count) w \(width): \(clean)")
                for culprit in 1...count {
                    let (found, rounds, _) = Self.simulate(count: count, width: width, culprit: culprit)
                    #expect(found == culprit, "n \(count) w \(width) culprit \(culprit): found \(String(describing: found))")
                    #expect(rounds - 1 <= log2, "n \(count) w \(width) culprit \(culprit): \(rounds) rounds")
                }
            }
        }
    }

    @Test("a longer prefix that passes after a shorter one failed (a flaky check) wins: what was checked lands")
    func flakyOrder() {
        var search = BatchSearch(count: 8, width: 2)
        search.record(4, passed: false)
        search.record(8, passed: true)
        #expect(search.settled && search.passing == 8)
    }
}
