/**
 * The client's codec: frame decoding (text, UTF-8 bytes, zlib), the single-pass envelope scanner with Jackson as its
 * fallback, raw JSON slices and the outgoing payloads. Implementation details of the Leap client; not an API.
 */
package io.leap.client.internal.codec;
