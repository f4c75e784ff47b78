// The JSON Schemas (2020-12) of schemas/, embedded so that `chiptrail schema KIND` needs no file beside the binary.
// Keep in step with schemas/*.schema.json (SchemaTests checks that each text here equals its file byte for byte;
// the blank line before each closing delimiter is the file's final newline).

/// The published JSON Schemas (2020-12) of the manifest and of each predicate type chiptrail evaluates.
public enum Schemas {
    /// The kinds with a schema: `manifest` and the predicate kinds, in that order.
    public static let kinds = ["manifest", "export-license", "supply-sufficiency", "lab-test", "customs-decision", "retraction"]

    /// The schema text for `kind` (one of `kinds`, compared exactly); nil for any other.
    public static func text(for kind: String) -> String? {
        switch kind {
        case "manifest": `manifest`
        case "export-license": `export_license`
        case "supply-sufficiency": `supply_sufficiency`
        case "lab-test": `lab_test`
        case "customs-decision": `customs_decision`
        case "retraction": `retraction`
        default: nil
        }
    }

    static let `manifest` = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:chiptrail:schema:manifest:v1",
  "title": "chiptrail shipment manifest",
  "description": "The exporter's shipment manifest (SPEC.md §8.4); its SHA-256 is every statement's subject digest. Unknown fields are ignored. Beyond this schema, chiptrail requires exactly `quantity` serials (manifest-serials-invalid).",
  "type": "object",
  "required": [
    "shipmentId",
    "exporter",
    "license",
    "consignee",
    "endUser",
    "destination",
    "product",
    "eccn",
    "hsCode",
    "quantity",
    "serials"
  ],
  "properties": {
    "shipmentId": {
      "type": "string",
      "minLength": 1
    },
    "exporter": {
      "type": "string"
    },
    "license": {
      "type": "string"
    },
    "consignee": {
      "type": "string"
    },
    "endUser": {
      "type": "string"
    },
    "destination": {
      "type": "string"
    },
    "product": {
      "type": "string"
    },
    "eccn": {
      "type": "string"
    },
    "hsCode": {
      "type": "string"
    },
    "quantity": {
      "type": "integer",
      "minimum": 1,
      "maximum": 10000000
    },
    "serials": {
      "type": "array",
      "items": {
        "type": "string",
        "minLength": 1
      },
      "uniqueItems": true
    },
    "declared": {
      "anyOf": [
        {
          "type": "null"
        },
        {
          "$ref": "#/$defs/figures"
        }
      ]
    }
  },
  "$defs": {
    "figures": {
      "type": "object",
      "properties": {
        "tpp": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "maximum": 1000000000000
        },
        "dramBandwidthGBps": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "maximum": 1000000000000
        },
        "memoryGB": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "maximum": 1000000000000
        },
        "firmware": {
          "type": [
            "string",
            "null"
          ]
        }
      }
    }
  }
}

"""#

    static let `export_license` = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:chiptrail:schema:export-license:v1",
  "title": "urn:chiptrail:export-license:v1 predicate",
  "description": "Signed by a regulator; subject license:<license>.",
  "type": "object",
  "required": [
    "license",
    "exporter",
    "consignee",
    "destination",
    "product",
    "maxQuantity",
    "validFrom",
    "validUntil"
  ],
  "properties": {
    "license": {
      "type": "string",
      "minLength": 1
    },
    "exporter": {
      "type": "string"
    },
    "consignee": {
      "type": "string"
    },
    "destination": {
      "type": "string"
    },
    "product": {
      "type": "string"
    },
    "maxQuantity": {
      "type": "integer",
      "minimum": 1,
      "maximum": 1000000000000
    },
    "validFrom": {
      "type": "string",
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z$",
      "format": "date-time",
      "description": "RFC 3339 UTC with Z"
    },
    "validUntil": {
      "type": "string",
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z$",
      "format": "date-time",
      "description": "RFC 3339 UTC with Z"
    },
    "conditions": {
      "type": [
        "array",
        "null"
      ],
      "items": {
        "type": "string"
      }
    }
  }
}

"""#

    static let `supply_sufficiency` = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:chiptrail:schema:supply-sufficiency:v1",
  "title": "urn:chiptrail:supply-sufficiency:v1 predicate",
  "description": "Signed by the exporter; `manifest` is the base64 of the manifest file's exact bytes (chiptrail attest fills it in from --manifest).",
  "type": "object",
  "required": [
    "manifest",
    "license",
    "quantity",
    "destination",
    "usUnitsShipped",
    "usUnfilledOrders",
    "certification",
    "officer",
    "signedAt"
  ],
  "properties": {
    "manifest": {
      "type": "string",
      "contentEncoding": "base64",
      "contentMediaType": "application/json"
    },
    "license": {
      "type": "string"
    },
    "quantity": {
      "type": "integer",
      "minimum": 1,
      "maximum": 10000000
    },
    "destination": {
      "type": "string"
    },
    "usUnitsShipped": {
      "type": "integer",
      "minimum": 0,
      "maximum": 1000000000000
    },
    "usUnfilledOrders": {
      "type": "integer",
      "minimum": 0,
      "maximum": 1000000000000
    },
    "certification": {
      "type": "string"
    },
    "officer": {
      "type": "string"
    },
    "signedAt": {
      "type": "string",
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z$",
      "format": "date-time",
      "description": "RFC 3339 UTC with Z"
    }
  }
}

"""#

    static let `lab_test` = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:chiptrail:schema:lab-test:v1",
  "title": "urn:chiptrail:lab-test:v1 predicate",
  "description": "Signed by a qualified third-party lab. Beyond this schema, chiptrail requires n ≤ N in sampling \"<n> of <N>\".",
  "type": "object",
  "required": [
    "lab",
    "accreditation",
    "reportId",
    "method",
    "sampling",
    "unitsTested",
    "measured",
    "result",
    "testedAt",
    "location"
  ],
  "properties": {
    "lab": {
      "type": "string"
    },
    "accreditation": {
      "type": "string"
    },
    "reportId": {
      "type": "string"
    },
    "method": {
      "type": "string"
    },
    "sampling": {
      "type": "string",
      "pattern": "^(all|0*[1-9][0-9]{0,8} of 0*[1-9][0-9]{0,8})$"
    },
    "unitsTested": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "string",
        "minLength": 1
      }
    },
    "measured": {
      "$ref": "#/$defs/figures"
    },
    "declared": {
      "anyOf": [
        {
          "type": "null"
        },
        {
          "$ref": "#/$defs/figures"
        }
      ]
    },
    "result": {
      "enum": [
        "pass",
        "fail"
      ]
    },
    "testedAt": {
      "type": "string",
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z$",
      "format": "date-time",
      "description": "RFC 3339 UTC with Z"
    },
    "location": {
      "type": "string"
    }
  },
  "$defs": {
    "figures": {
      "type": "object",
      "properties": {
        "tpp": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "maximum": 1000000000000
        },
        "dramBandwidthGBps": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "maximum": 1000000000000
        },
        "memoryGB": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "maximum": 1000000000000
        },
        "firmware": {
          "type": [
            "string",
            "null"
          ]
        }
      }
    }
  }
}

"""#

    static let `customs_decision` = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:chiptrail:schema:customs-decision:v1",
  "title": "urn:chiptrail:customs-decision:v1 predicate",
  "description": "Signed by a customs authority.",
  "type": "object",
  "required": [
    "authority",
    "port",
    "declaration",
    "hsCode",
    "decision",
    "reason",
    "decidedAt"
  ],
  "properties": {
    "authority": {
      "type": "string"
    },
    "port": {
      "type": "string"
    },
    "declaration": {
      "type": "string"
    },
    "hsCode": {
      "type": "string"
    },
    "decision": {
      "enum": [
        "released",
        "inspect",
        "held",
        "returned"
      ]
    },
    "reason": {
      "type": "string"
    },
    "decidedAt": {
      "type": "string",
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z$",
      "format": "date-time",
      "description": "RFC 3339 UTC with Z"
    }
  }
}

"""#

    static let `retraction` = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:chiptrail:schema:retraction:v1",
  "title": "urn:chiptrail:retraction:v1 predicate",
  "description": "Signed by the retracted statement's party (same O= and role).",
  "type": "object",
  "required": [
    "retracts",
    "reason"
  ],
  "properties": {
    "retracts": {
      "type": "string",
      "pattern": "^[0-9a-fA-F]{64}$",
      "description": "hex SHA-256 of the retracted record's line"
    },
    "reason": {
      "type": "string"
    }
  }
}

"""#
}
