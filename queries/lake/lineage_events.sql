-- CloudTrail Lake (SELECT only, Trino-compatible): the records lineage and reports need. Lake binds
-- no parameters to an ad-hoc query, so every slot holds a literal copytrail built itself from a
-- value checked against a strict pattern (event data store id, account ids, region codes, event
-- names) or a time it formatted; nothing a user or a record wrote is placed here as text.
SELECT eventVersion, userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress,
       userAgent, errorCode, errorMessage, requestParameters, responseElements, additionalEventData,
       requestID, eventID, readOnly, resources, eventType, apiVersion, recipientAccountId,
       serviceEventDetails, sharedEventID, vpcEndpointId, tlsDetails
FROM {{event_data_store}}
WHERE eventTime >= {{since}} AND eventTime < {{until}}
  AND {{account_pred}}
  AND {{region_pred}}
  AND ((eventSource IN ({{sources}}) AND eventName IN ({{names}})) {{extra_pred}})
  AND {{kms_pred}}
