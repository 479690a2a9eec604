import { createServer } from "node:http";

// The baseline: a bare node:http server answering a constant JSON of the size of an allowed
// decision, after reading the request body, on PORT.
const answer = JSON.stringify({
  allow: true,
  keyId: "00000000-0000-4000-8000-000000000000",
  memberId: "00000000-0000-4000-8000-000000000000",
  groups: [{ id: "00000000-0000-4000-8000-000000000000", name: "Company" }],
  policy: { model: "gpt-4o", fallbackModels: [], loadBalancing: "none", weights: {} },
  remaining: { memberMicros: null, keyMicros: null, groups: [] },
  reservationId: null,
});
createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(answer),
    });
    response.end(answer);
  });
}).listen(Number(process.env.PORT), () => console.log("bare server ready"));
