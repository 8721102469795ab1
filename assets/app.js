// GOV.UK Frontend components, then riskreg's own small enhancements.
import { initAll } from './govuk-frontend.min.js'

initAll()

// Score previews beside likelihood/impact radios: "4 × 5 = 20 Extreme". The page works without.
for (const preview of document.querySelectorAll('[data-score-preview]')) {
  const form = preview.closest('form')
  const bands = JSON.parse(preview.dataset.bands)
  const [lName, iName] = preview.dataset.scorePreview.split(',')
  const update = () => {
    const l = form.querySelector(`input[name="${lName}"]:checked`)
    const i = form.querySelector(`input[name="${iName}"]:checked`)
    if (!l || !i) { preview.textContent = 'Choose likelihood and impact to see the score'; return }
    const score = Number(l.value) * Number(i.value)
    const band = bands.find((b) => b.min <= score && score <= b.max)
    preview.textContent = `Score ${l.value} × ${i.value} = ${score}${band ? ' ' + band.name : ''}`
  }
  form.addEventListener('change', update)
  update()
}

// Band colours: a colour picker beside each hex box, kept in step with it both ways. The hex box
// is what is checked and saved; without JavaScript the picker stays hidden.
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/
for (const picker of document.querySelectorAll('[data-colour-for]')) {
  const hex = document.getElementById(picker.dataset.colourFor)
  const input = picker.querySelector('input[type="color"]')
  const fromHex = () => {
    const value = hex.value.trim()
    if (HEX_COLOUR.test(value)) input.value = value.toLowerCase()
  }
  input.addEventListener('input', () => { hex.value = input.value })
  hex.addEventListener('input', fromHex)
  fromHex()
  picker.hidden = false
}

// A large import's "Checking 2,000 rows" page sends the file on to be checked at once, so that
// it is the page in view while the server checks. Without JavaScript its button does the same.
for (const form of document.querySelectorAll('form[data-submit-on-load]')) {
  form.requestSubmit()
}
