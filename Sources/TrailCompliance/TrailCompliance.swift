/// Statements, predicates, manifests, policy and per-shipment evaluation.
public enum TrailComplianceModule {}
