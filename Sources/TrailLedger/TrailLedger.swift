/// The ledger file: record codec, hash chain, RFC 6962 Merkle tree, checkpoints, append and verify.
public enum TrailLedgerModule {}
