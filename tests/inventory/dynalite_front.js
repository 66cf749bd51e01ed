// Test peer for the DynamoDB store: dynalite (npm, in-process, in memory) on 127.0.0.1 with an ephemeral
// port, behind a small front that forwards every request unchanged except, with --unprocessed, BatchWriteItem:
// the front forwards only the first half of each batch and answers the other half as UnprocessedItems (as
// DynamoDB does when a partition is throttled), so the store's retry path is exercised against a real peer.
// Usage: node dynalite_front.js <repo root> <port file> [--unprocessed]. Writes the front's port to the file
// once both servers listen; logs every X-Amz-Target to stdout.
'use strict'
const http = require('http')
const path = require('path')
const fs = require('fs')

const [root, portFile, mode] = process.argv.slice(2)
const dynalite = require(path.join(root, 'node_modules', 'dynalite'))({ createTableMs: 20, deleteTableMs: 20 })
const unprocessed = mode === '--unprocessed'

function forward(backendPort, req, body, done) {
  const headers = Object.assign({}, req.headers, { 'content-length': Buffer.byteLength(body) })
  const out = http.request({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers }, (res) => {
    const chunks = []
    res.on('data', (c) => chunks.push(c))
    res.on('end', () => done(res.statusCode, res.headers, Buffer.concat(chunks).toString()))
  })
  out.on('error', (e) => done(502, {}, JSON.stringify({ __type: 'front#Error', message: String(e) })))
  out.end(body)
}

dynalite.listen(0, '127.0.0.1', () => {
  const backendPort = dynalite.address().port
  const front = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      let body = Buffer.concat(chunks).toString()
      const target = req.headers['x-amz-target'] || ''
      console.log(target)
      let held = null
      if (unprocessed && target.endsWith('.BatchWriteItem')) {
        const parsed = JSON.parse(body)
        held = {}
        for (const table of Object.keys(parsed.RequestItems)) {
          const all = parsed.RequestItems[table]
          if (all.length < 2) continue
          const keep = Math.ceil(all.length / 2)
          held[table] = all.slice(keep)
          parsed.RequestItems[table] = all.slice(0, keep)
        }
        body = JSON.stringify(parsed)
      }
      forward(backendPort, req, body, (status, headers, answer) => {
        if (held && status === 200) {
          const parsed = JSON.parse(answer)
          parsed.UnprocessedItems = Object.assign(parsed.UnprocessedItems || {}, held)
          for (const t of Object.keys(parsed.UnprocessedItems)) {
            if (parsed.UnprocessedItems[t].length === 0) delete parsed.UnprocessedItems[t]
          }
          answer = JSON.stringify(parsed)
        }
        res.writeHead(status, { 'content-type': headers['content-type'] || 'application/x-amz-json-1.0',
          'x-amzn-requestid': headers['x-amzn-requestid'] || 'front' })
        res.end(answer)
      })
    })
  })
  front.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(portFile + '.tmp', String(front.address().port))
    fs.renameSync(portFile + '.tmp', portFile)
  })
})
process.on('SIGTERM', () => process.exit(0))
