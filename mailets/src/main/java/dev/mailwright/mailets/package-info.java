/**
 * Routing and delivery mailets. Package dependencies go one way (a unit test checks it):
 * {@code outcome} (SMTP replies and per-recipient results) &lt;- {@code bounce} (DSNs) &lt;- {@code routing} (transport
 * map) &lt;- {@code delivery} (outbound delivery and its parts {@code queue}, {@code retry}, {@code nexthop},
 * {@code smtp}); {@code dkim} signs before the queue; {@code wire} has what the signer and the SMTP client must
 * agree on (line ends); {@code webadmin} reads them all.
 */
package dev.mailwright.mailets;
