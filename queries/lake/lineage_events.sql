-- CloudTrail Lake (SELECT only, Trino-compatible): the records lineage and reports need. Lake binds
-- no parameters to an ad-hoc query, so each slot is filled by queries/sql-text.ts from a value that
-- passed a strict pattern: {{event_data_store}} by quoteIdent (Lake reads the id bare, letters,
-- digits and hyphens only), every other slot by quoteLiteral —
--   {{since}}, {{until}}: 'yyyy-MM-dd HH:mm:ss' (UTC);
--   {{accounts}}, {{regions}}: comma-separated account ids and region codes, '' for all;
--   {{sources}}, {{names}}, {{extra_names}}: comma-separated lineage event sources, lineage event
--   names and extra event names ('' for none);
--   {{kms}}: 'all', or 'evidence' to bring back KMS records only when lineage can use them
--   (ingest/pushdown.ts, as the Athena filter): a context naming a key a rule or S3 replication reads,
--   or no context at all, and a failed call only with an S3 context;
--   {{s3_key}}: the S3 context key; {{context_keys}}: those keys as one regular expression (a|b|c;
--   each key matches only itself: letters, digits, ':' and '-').
--   Lake's requestParameters is a map of JSON text: encryption contexts sit under encryptionContext,
--   constraints, sourceEncryptionContext and destinationEncryptionContext.
-- Only eventTime bounds what Lake scans, so the lists cost nothing as contains(split(…)).
SELECT eventVersion, userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress,
       userAgent, errorCode, errorMessage, requestParameters, responseElements, additionalEventData,
       requestID, eventID, readOnly, resources, eventType, apiVersion, recipientAccountId,
       serviceEventDetails, sharedEventID, vpcEndpointId, tlsDetails
FROM {{event_data_store}}
WHERE eventTime >= {{since}} AND eventTime < {{until}}
  AND ({{accounts}} = '' OR contains(split({{accounts}}, ','), recipientAccountId))
  AND ({{regions}} = '' OR contains(split({{regions}}, ','), awsRegion))
  AND ((contains(split({{sources}}, ','), eventSource) AND contains(split({{names}}, ','), eventName))
       OR contains(split({{extra_names}}, ','), eventName))
  AND ({{kms}} = 'all'
       OR eventSource <> 'kms.amazonaws.com'
       OR ((errorCode IS NULL
            OR strpos(coalesce(element_at(requestParameters, 'encryptionContext'), ''), {{s3_key}}) > 0)
           AND (regexp_like(concat(coalesce(element_at(requestParameters, 'encryptionContext'), ''),
                                   coalesce(element_at(requestParameters, 'constraints'), ''),
                                   coalesce(element_at(requestParameters, 'sourceEncryptionContext'), ''),
                                   coalesce(element_at(requestParameters, 'destinationEncryptionContext'), '')),
                            {{context_keys}})
                OR (coalesce(element_at(requestParameters, 'encryptionContext'), '{}') = '{}'
                    AND element_at(requestParameters, 'constraints') IS NULL
                    AND element_at(requestParameters, 'sourceEncryptionContext') IS NULL
                    AND element_at(requestParameters, 'destinationEncryptionContext') IS NULL))))
