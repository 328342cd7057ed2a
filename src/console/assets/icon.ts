/** The console's tab icon, served as /console/assets/icon.svg: a hub of four spokes. */
export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><g stroke="#2f6fd6" stroke-width="2"><line x1="8" y1="1" x2="8" y2="15"/><line x1="1" y1="8" x2="15" y2="8"/></g><circle cx="8" cy="8" r="3.5" fill="#2f6fd6"/></svg>
`
