/**
 * Dataset versions: files, folders and query results pinned by the digest of their content,
 * stored once in the artifact store however many runs use them, with their schema and profile.
 */
package io.mlops.api.data;
