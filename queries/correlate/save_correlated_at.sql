-- Records when the lineage was last rebuilt, in the rebuild's transaction. params: none. output: none.
update correlate_state set correlated_at = current_timestamp
