// Hocuspocus frames as the real @hocuspocus/provider and @hocuspocus/server (3.4.4) encode them, for
// HocuspocusProtocolTest: node js/fixtures-gen/hocuspocus-vectors.mjs > core/src/test/resources/org/civicpress/realtime/protocol/hocuspocus-vectors.json
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { OutgoingMessage } from '@hocuspocus/server'

const hex = (u8) => Buffer.from(u8).toString('hex')
const out = { provider: {}, server: {} }

// The provider, attached to a stand-in websocket provider that records what it is asked to send.
const sent = []
const fakeSocket = {
  on () {}, off () {}, attach () {},
  // the real detach (it sends the provider's CloseMessage) on a stand-in provider map
  detach (p) { HocuspocusProviderWebsocket.prototype.detach.call({ configuration: { providerMap: new Map([[p.configuration.name, p]]) } }, p) },
  send (message) { sent.push(message) }
}
const doc = new Y.Doc(); doc.clientID = 7
const awareness = new Awareness(doc)
const provider = new HocuspocusProvider({ name: 'doc-ä1', document: doc, awareness, token: 'tok.en', websocketProvider: fakeSocket })
provider.attach()
const take = () => hex(sent.shift())
await provider.sendToken(); out.provider.token = take()
provider.startSync(); out.provider.syncStep1 = take()
sent.length = 0
doc.getText('content').insert(0, 'hi'); out.provider.update = take()
out.provider.updatePayload = hex(Y.encodeStateAsUpdate(doc))
provider.setAwarenessField('user', { name: 'n' }); out.provider.awareness = take()
provider.sendStateless('{"x":1}'); out.provider.stateless = take()
provider.detach(); out.provider.close = take()
const anonymous = new HocuspocusProvider({ name: 'doc-ä1', document: new Y.Doc(), token: null, websocketProvider: fakeSocket })
anonymous.attach(); sent.length = 0
await anonymous.sendToken(); out.provider.emptyToken = take()

// The server's encoders.
const name = 'doc-ä1'
out.server.authenticatedReadWrite = hex(new OutgoingMessage(name).writeAuthenticated(false).toUint8Array())
out.server.authenticatedReadonly = hex(new OutgoingMessage(name).writeAuthenticated(true).toUint8Array())
out.server.permissionDenied = hex(new OutgoingMessage(name).writePermissionDenied('no access to doc-ä1').toUint8Array())
out.server.syncStatusTrue = hex(new OutgoingMessage(name).writeSyncStatus(true).toUint8Array())
out.server.syncStatusFalse = hex(new OutgoingMessage(name).writeSyncStatus(false).toUint8Array())
out.server.stateless = hex(new OutgoingMessage(name).writeStateless('{"x":1}').toUint8Array())
out.server.broadcastStateless = hex(new OutgoingMessage(name).writeBroadcastStateless('{"x":1}').toUint8Array())
out.server.close = hex(new OutgoingMessage(name).writeCloseMessage('provider_initiated').toUint8Array())
out.server.update = hex(new OutgoingMessage(name).createSyncMessage().writeUpdate(Y.encodeStateAsUpdate(doc)).toUint8Array())
out.server.syncReplyStep1 = hex(new OutgoingMessage(name).createSyncReplyMessage().writeFirstSyncStepFor(doc).toUint8Array())
out.server.stateVector = hex(Y.encodeStateVector(doc))
process.stdout.write(JSON.stringify(out, null, 2) + '\n')
process.exit(0)
