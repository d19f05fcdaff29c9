/** Implementation details of the Leap client. Not an API: may change in any release. */
package io.leap.client.internal;
