import { packageBuild } from '../../tsup.base.js';

export default packageBuild(['react', 'react/jsx-runtime', '@expiryproof/core']);
