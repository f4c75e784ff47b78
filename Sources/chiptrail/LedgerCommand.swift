import ArgumentParser

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Create, append to, verify and prove the ledger.",
        subcommands: [
            LedgerInit.self, LedgerAppend.self, LedgerVerify.self, LedgerShow.self, LedgerCheckpointCommand.self,
            LedgerRepair.self, LedgerProve.self, LedgerCosign.self, LedgerConsistency.self, LedgerExplain.self,
            LedgerPublish.self, LedgerMonitor.self,
        ])
}
